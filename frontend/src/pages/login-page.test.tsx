import { afterEach, describe, expect, it, vi } from "vitest";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { LoginPage } from "./login-page";
import { queryKeys } from "@/lib/query-keys";
import { mockGraphQL, renderWithClient } from "@/test/render";

afterEach(() => vi.unstubAllGlobals());

describe("LoginPage", () => {
  it("shows the server's message for a wrong password", async () => {
    mockGraphQL(() => ({
      data: null,
      errors: [{ message: "invalid username or password", extensions: { code: "UNAUTHENTICATED" } }],
    }));
    renderWithClient(<LoginPage />);
    await userEvent.type(screen.getByLabelText("Username"), "admin");
    await userEvent.type(screen.getByLabelText("Password"), "nope-nope");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("invalid username or password");
    expect(screen.getByLabelText("Password")).toHaveAttribute("aria-invalid", "true");
  });

  it("shows when to retry after too many attempts", async () => {
    mockGraphQL(() => ({
      data: null,
      errors: [{ message: "too many login attempts", extensions: { code: "RATE_LIMITED", retryAfter: 42 } }],
    }));
    renderWithClient(<LoginPage />);
    await userEvent.type(screen.getByLabelText("Username"), "admin");
    await userEvent.type(screen.getByLabelText("Password"), "whatever1");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("try again in 42 s");
  });

  it("stores the signed-in user in the cache on success", async () => {
    const user = {
      id: "1",
      username: "admin",
      displayName: "Ada",
      role: "ADMIN",
      active: true,
      activeFiles: 0,
      site: null,
    };
    mockGraphQL(() => ({ data: { login: user } }));
    const { client } = renderWithClient(<LoginPage />);
    await userEvent.type(screen.getByLabelText("Username"), "admin");
    await userEvent.type(screen.getByLabelText("Password"), "admin-demo-pass");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await vi.waitFor(() => expect(client.getQueryData(queryKeys.me)).toEqual(user));
  });
});
