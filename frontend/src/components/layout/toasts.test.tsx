import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useEffect } from "react";
import { describe, expect, it, vi } from "vitest";
import { NOTICE_MS, NotificationsProvider, useNotifications } from "@/hooks/use-notifications";
import { landingPath } from "@/App";
import { Toasts } from "./toasts";

function Announce({ title }: { title: string }) {
  const { notify } = useNotifications();
  useEffect(() => notify({ title, body: "A001_C001.mov", href: "/queue" }), [notify, title]);
  return null;
}

describe("Toasts", () => {
  it("shows a notice with a link to the queue until it is dismissed", async () => {
    render(
      <NotificationsProvider>
        <Announce title="New work assigned to you" />
        <Toasts />
      </NotificationsProvider>,
    );
    const toast = await screen.findByTestId("toast");
    expect(toast).toHaveTextContent("New work assigned to you");
    expect(toast).toHaveTextContent("A001_C001.mov");
    expect(screen.getByRole("link", { name: "Open" })).toHaveAttribute("href", "/queue");
    await userEvent.click(screen.getByRole("button", { name: "Dismiss notification" }));
    expect(screen.queryByTestId("toast")).toBeNull();
  });

  it("goes away by itself after a while", () => {
    vi.useFakeTimers();
    try {
      render(
        <NotificationsProvider>
          <Announce title="New work assigned to you" />
          <Toasts />
        </NotificationsProvider>,
      );
      expect(screen.getByTestId("toast")).toBeInTheDocument();
      act(() => vi.advanceTimersByTime(NOTICE_MS + 1));
      expect(screen.queryByTestId("toast")).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("landingPath", () => {
  it("lands a colorist on their queue and everyone else on the dashboard", () => {
    expect(landingPath("COLORIST")).toBe("/queue");
    expect(landingPath("ENGINEER")).toBe("/");
    expect(landingPath("ADMIN")).toBe("/");
    expect(landingPath("READONLY")).toBe("/");
  });
});
