import { afterEach, describe, expect, it, vi } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { mockGraphQL, renderWithClient } from "@/test/render";
import { CreateWebhookDialog, WebhooksCard } from "./webhooks-card";

afterEach(() => vi.unstubAllGlobals());

const sub = {
  id: "4",
  url: "https://mam.example.com/hook",
  topics: ["file.state_changed"],
  active: true,
  createdBy: "admin",
  createdAt: "2026-01-01T00:00:00Z",
};

describe("CreateWebhookDialog", () => {
  it("checks the form before sending it", async () => {
    const fetch = mockGraphQL(() => ({ data: {} }));
    renderWithClient(<CreateWebhookDialog onClose={() => undefined} />);
    await userEvent.click(screen.getByRole("button", { name: "Create webhook" }));
    expect(screen.getByLabelText("URL")).toHaveAccessibleDescription("An http:// or https:// address.");
    expect(screen.getByLabelText("Signing secret")).toHaveAccessibleDescription("At least 16 characters.");
    expect(screen.getByText("Choose at least one topic.")).toBeInTheDocument();
    expect(fetch).not.toHaveBeenCalled();
  });

  it("sends url, secret and topics; a refused URL is shown next to it", async () => {
    const fetch = mockGraphQL(() => ({
      data: null,
      errors: [{ message: "url must be an http(s) URL", extensions: { code: "BAD_USER_INPUT", field: "url" } }],
    }));
    const onClose = vi.fn();
    renderWithClient(<CreateWebhookDialog onClose={onClose} />);
    await userEvent.type(screen.getByLabelText("URL"), "https://mam.example.com/hook");
    await userEvent.click(screen.getByRole("button", { name: "Generate" }));
    expect((screen.getByLabelText("Signing secret") as HTMLInputElement).value).toMatch(/^[0-9a-f]{32}$/);
    await userEvent.click(screen.getByRole("checkbox", { name: "site.offline" }));
    await userEvent.click(screen.getByRole("checkbox", { name: "file.state_changed" }));
    await userEvent.click(screen.getByRole("button", { name: "Create webhook" }));
    expect(await screen.findByTestId("webhook-url-error")).toHaveTextContent("url must be an http(s) URL");
    expect(onClose).not.toHaveBeenCalled();
    const body = JSON.parse(String(fetch.mock.calls[0][1]?.body)) as { variables: { input: { topics: string[] } } };
    expect(body.variables.input.topics).toEqual(["file.state_changed", "site.offline"]);
  });
});

describe("WebhooksCard", () => {
  it("lists subscriptions, switches one off, and opens its delivery log", async () => {
    const fetch = mockGraphQL(({ query, variables }) => {
      if (query.includes("setWebhookSubscriptionActive")) return { data: { setWebhookSubscriptionActive: true } };
      if (query.includes("webhookDeliveries")) {
        expect(variables).toEqual({ subscriptionId: "4", first: 25 });
        return {
          data: {
            webhookDeliveries: [
              {
                id: "1",
                eventId: "9",
                topic: "file.state_changed",
                delivered: false,
                statusCode: 503,
                attempts: 3,
                error: "HTTP 503",
                at: "2026-01-01T00:00:00Z",
              },
            ],
          },
        };
      }
      return { data: { webhookSubscriptions: [sub] } };
    });
    renderWithClient(<WebhooksCard />);
    const row = await screen.findByTestId("webhook-row");
    expect(row).toHaveTextContent("file.state_changed");
    await userEvent.click(within(row).getByRole("switch", { name: `Webhook ${sub.url} active` }));
    await vi.waitFor(() =>
      expect(fetch.mock.calls.some(([, init]) => String(init?.body).includes('"active":false'))).toBe(true),
    );
    await userEvent.click(within(row).getByRole("button", { name: "Deliveries" }));
    const delivery = await screen.findByTestId("webhook-delivery");
    expect(delivery).toHaveTextContent("Failed");
    expect(delivery).toHaveTextContent("503");
    expect(delivery).toHaveTextContent("HTTP 503");
  });
});
