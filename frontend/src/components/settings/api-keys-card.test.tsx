import { afterEach, describe, expect, it, vi } from "vitest";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { makeSite } from "@/test/factories";
import { mockGraphQL, renderWithClient } from "@/test/render";
import { ApiKeysCard, CreateApiKeyDialog } from "./api-keys-card";

afterEach(() => vi.unstubAllGlobals());

const sites = [makeSite({ id: "1", code: "tustin", name: "Tustin" })];
const key = {
  id: "3",
  name: "tustin daemon",
  prefix: "cr_tustin_ab",
  siteCode: "tustin",
  createdAt: "2026-01-01T00:00:00Z",
  createdBy: "admin",
  lastUsedAt: null,
  revokedAt: null,
};

describe("ApiKeysCard", () => {
  it("says a site is needed, next to the field, without asking the server", async () => {
    const fetch = mockGraphQL(() => ({ data: { apiKeys: [] } }));
    renderWithClient(<ApiKeysCard sites={sites} />);
    expect(await screen.findByText("No per-site keys yet")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "New API key" }));
    await userEvent.click(screen.getByRole("button", { name: "Create key" }));
    expect(screen.getByRole("combobox", { name: "Site" })).toHaveAccessibleDescription(
      "Choose the site whose daemon uses it.",
    );
    expect(fetch.mock.calls.some(([, init]) => String(init?.body).includes("createApiKey"))).toBe(false);
  });

  it("shows the new key's secret once, with a warning, until it is dismissed", async () => {
    const secret = "cr_tustin_abSECRETSECRETSECRET";
    mockGraphQL(({ query }) =>
      query.includes("createApiKey")
        ? { data: { createApiKey: { secret, apiKey: key } } }
        : { data: { apiKeys: [key] } },
    );
    const onClose = vi.fn();
    renderWithClient(<CreateApiKeyDialog sites={sites} onClose={onClose} />);
    // Radix Select by keyboard (its pointer events need a layout jsdom lacks).
    const site = screen.getByRole("combobox", { name: "Site" });
    site.focus();
    await userEvent.keyboard("{Enter}");
    await userEvent.click(await screen.findByRole("option", { name: "Tustin (tustin)" }));
    await userEvent.type(screen.getByLabelText("Name (optional)"), "ingest-01");
    await userEvent.click(screen.getByRole("button", { name: "Create key" }));

    const dialog = await screen.findByRole("dialog", { name: "API key created" });
    expect(dialog).toHaveTextContent("Copy it now: it is shown only once.");
    expect(screen.getByTestId("api-key-secret")).toHaveTextContent(secret);
    expect(screen.getByRole("button", { name: "Copy" })).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "I have stored it" }));
    expect(onClose).toHaveBeenCalled();
  });

  it("revokes after a confirmation", async () => {
    const fetch = mockGraphQL(({ query }) =>
      query.includes("revokeApiKey")
        ? { data: { revokeApiKey: { ...key, revokedAt: "2026-01-02T00:00:00Z" } } }
        : { data: { apiKeys: [key] } },
    );
    renderWithClient(<ApiKeysCard sites={sites} />);
    await userEvent.click(await screen.findByRole("button", { name: "Revoke tustin daemon" }));
    const confirm = screen.getByRole("alertdialog", { name: "Revoke API key" });
    expect(confirm).toHaveTextContent("cr_tustin_ab…");
    expect(fetch.mock.calls.some(([, init]) => String(init?.body).includes("revokeApiKey"))).toBe(false);
    await userEvent.click(screen.getByRole("button", { name: "Revoke key" }));
    await vi.waitFor(() => expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument());
    expect(fetch.mock.calls.some(([, init]) => String(init?.body).includes("revokeApiKey"))).toBe(true);
  });
});
