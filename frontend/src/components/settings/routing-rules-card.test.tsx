import { afterEach, describe, expect, it, vi } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { RoutingRuleFieldsFragment } from "@/gql/graphql";
import { makeSite } from "@/test/factories";
import { mockGraphQL, renderWithClient } from "@/test/render";
import { RoutingRulesCard } from "./routing-rules-card";

afterEach(() => vi.unstubAllGlobals());

const sites = [
  makeSite({ id: "1", code: "tustin", name: "Tustin" }),
  makeSite({ id: "2", code: "nashville", name: "Nashville" }),
];
const rule = (id: string, name: string, over: Partial<RoutingRuleFieldsFragment> = {}): RoutingRuleFieldsFragment => ({
  id,
  name,
  priority: Number(id) * 10,
  enabled: true,
  pattern: "*.mov",
  codecs: [],
  minWidth: null,
  minHeight: null,
  minSizeBytes: null,
  maxSizeBytes: null,
  autoValidate: true,
  autoQueue: true,
  autoAssign: "LEAST_LOADED",
  updatedAt: null,
  sourceSite: { id: "1", code: "tustin", name: "Tustin" },
  destinationSite: { id: "2", code: "nashville", name: "Nashville" },
  ...over,
});

describe("RoutingRulesCard", () => {
  it("lists rules in evaluation order; moving one sends the whole new order", async () => {
    const rules = [rule("1", "first"), rule("2", "second"), rule("3", "third", { enabled: false })];
    const fetch = mockGraphQL(({ query, variables }) => {
      if (query.includes("reorderRoutingRules")) {
        const ids = variables.ids as string[];
        return { data: { reorderRoutingRules: ids.map((id) => rules.find((r) => r.id === id)) } };
      }
      return { data: { routingRules: rules } };
    });
    renderWithClient(<RoutingRulesCard sites={sites} canEdit />);
    const rows = await screen.findAllByTestId("routing-rule-row");
    expect(rows.map((r) => r.dataset.ruleName)).toEqual(["first", "second", "third"]);
    expect(within(rows[0]).getByRole("button", { name: "Move first up" })).toBeDisabled();
    expect(within(rows[2]).getByRole("button", { name: "Move third down" })).toBeDisabled();
    expect(within(rows[2]).getByRole("switch", { name: "Rule third enabled" })).not.toBeChecked();
    expect(rows[0]).toHaveTextContent("Assign least loaded");

    await userEvent.click(within(rows[2]).getByRole("button", { name: "Move third up" }));
    await vi.waitFor(() => {
      const call = fetch.mock.calls.find(([, init]) => String(init?.body).includes("reorderRoutingRules"));
      expect(call && JSON.parse(String(call[1]?.body)).variables).toEqual({ ids: ["1", "3", "2"] });
    });
  });

  it("asks before deleting", async () => {
    const fetch = mockGraphQL(({ query }) =>
      query.includes("deleteRoutingRule")
        ? { data: { deleteRoutingRule: true } }
        : { data: { routingRules: [rule("1", "first")] } },
    );
    renderWithClient(<RoutingRulesCard sites={sites} canEdit />);
    await userEvent.click(await screen.findByRole("button", { name: "Delete first" }));
    expect(screen.getByRole("alertdialog", { name: "Delete routing rule" })).toHaveTextContent("first");
    await userEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(fetch.mock.calls.some(([, init]) => String(init?.body).includes("deleteRoutingRule"))).toBe(false);
    await userEvent.click(screen.getByRole("button", { name: "Delete first" }));
    await userEvent.click(screen.getByRole("button", { name: "Delete rule" }));
    await vi.waitFor(() => expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument());
    expect(fetch.mock.calls.some(([, init]) => String(init?.body).includes("deleteRoutingRule"))).toBe(true);
  });

  it("is read-only for those who may not change rules, simulation included", async () => {
    mockGraphQL(({ query }) =>
      query.includes("simulateRouting")
        ? {
            data: {
              simulateRouting: {
                matched: true,
                waitingForMedia: false,
                reasons: ["first: matches"],
                ruleName: "first",
                destinationSite: "nashville",
                autoValidate: true,
                autoQueue: true,
                autoAssign: "LEAST_LOADED",
                wouldAssignTo: { id: "9", username: "alice", displayName: "Alice", activeFiles: 1 },
              },
            },
          }
        : { data: { routingRules: [rule("1", "first")] } },
    );
    renderWithClient(<RoutingRulesCard sites={sites} canEdit={false} />);
    const row = await screen.findByTestId("routing-rule-row");
    expect(screen.queryByRole("button", { name: "New rule" })).not.toBeInTheDocument();
    expect(within(row).queryByRole("switch")).not.toBeInTheDocument();
    expect(within(row).queryByRole("button")).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: "Simulate" }));
    expect(screen.getByLabelText("Path")).toHaveAccessibleDescription("A path such as A001/A001_C003.mov.");
    await userEvent.type(screen.getByLabelText("Path"), "A001/A001_C001.mov");
    await userEvent.click(screen.getByRole("button", { name: "Simulate" }));
    const result = await screen.findByTestId("simulation-result");
    expect(result).toHaveTextContent("matches rule first");
    expect(result).toHaveTextContent("Automatically, for transfer to Nashville (nashville)");
    expect(result).toHaveTextContent("right now Alice (alice), 1 active file");
    expect(screen.getByTestId("simulation-reasons")).toHaveTextContent("first: matches");
  });

  it("says a clip waits for its media info, and sends codec and resolution when given", async () => {
    const fetchMock = mockGraphQL(({ query }) =>
      query.includes("simulateRouting")
        ? {
            data: {
              simulateRouting: {
                matched: false,
                waitingForMedia: true,
                reasons: ["uhd: waits for the file's media info"],
                ruleName: null,
                destinationSite: null,
                autoValidate: false,
                autoQueue: false,
                autoAssign: "NONE",
                wouldAssignTo: null,
              },
            },
          }
        : { data: { routingRules: [rule("1", "uhd", { codecs: ["prores 4444"], minWidth: 3840, minHeight: 2160 })] } },
    );
    renderWithClient(<RoutingRulesCard sites={sites} canEdit={false} />);
    const row = await screen.findByTestId("routing-rule-row");
    expect(row).toHaveTextContent("prores 4444 ≥ 3840×2160");
    await userEvent.type(screen.getByLabelText("Path"), "A001/A001_C001.mov");
    await userEvent.type(screen.getByLabelText("Codec (optional)"), "ProRes 4444");
    await userEvent.type(screen.getByLabelText("Resolution (optional)"), "3840x2160");
    await userEvent.click(screen.getByRole("button", { name: "Simulate" }));
    const result = await screen.findByTestId("simulation-result");
    expect(result).toHaveTextContent("holds A001/A001_C001.mov");
    expect(result).toHaveTextContent("uhd: waits for the file's media info");
    const sent = fetchMock.mock.calls
      .map(([, init]) => JSON.parse(String(init?.body)) as { query: string; variables: Record<string, unknown> })
      .find((b) => b.query.includes("simulateRouting"));
    expect(sent?.variables).toMatchObject({ codec: "prores", profile: "4444", width: 3840, height: 2160 });
  });
});
