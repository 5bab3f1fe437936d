import { afterEach, describe, expect, it, vi } from "vitest";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { RoutingRuleFieldsFragment } from "@/gql/graphql";
import { makeSite } from "@/test/factories";
import { mockGraphQL, renderWithClient } from "@/test/render";
import { RoutingRuleDialog } from "./routing-rule-dialog";

afterEach(() => vi.unstubAllGlobals());

const sites = [
  makeSite({ id: "1", code: "tustin", name: "Tustin" }),
  makeSite({ id: "2", code: "nashville", name: "Nashville" }),
];

const existing: RoutingRuleFieldsFragment = {
  id: "7",
  name: "Tustin mov",
  priority: 20,
  enabled: true,
  pattern: "*.mov",
  codecs: [],
  minWidth: null,
  minHeight: null,
  minSizeBytes: null,
  maxSizeBytes: null,
  autoValidate: true,
  autoQueue: true,
  autoAssign: "NONE",
  updatedAt: null,
  sourceSite: { id: "1", code: "tustin", name: "Tustin" },
  destinationSite: { id: "2", code: "nashville", name: "Nashville" },
};

function renderDialog(rule: RoutingRuleFieldsFragment | null = null) {
  const onOpenChange = vi.fn();
  renderWithClient(<RoutingRuleDialog rule={rule} sites={sites} defaultPriority={110} onOpenChange={onOpenChange} />);
  return { onOpenChange };
}

const refuse = (code: string, message: string, field?: string) => () => ({
  data: null,
  errors: [{ message, extensions: field ? { code, field } : { code } }],
});

describe("RoutingRuleDialog", () => {
  it("says what is wrong before asking the server, next to the field", async () => {
    const fetch = mockGraphQL(() => ({ data: {} }));
    renderDialog();
    await userEvent.click(screen.getByRole("checkbox", { name: "Auto-queue" }));
    await userEvent.click(screen.getByRole("button", { name: "Create rule" }));
    expect(screen.getByText("A name is required.")).toBeInTheDocument();
    expect(screen.getByLabelText("Name")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText("Name")).toHaveAccessibleDescription("A name is required.");
    expect(screen.getByRole("combobox", { name: "Destination site" })).toHaveAccessibleDescription(
      "Auto-queue needs a destination site.",
    );
    expect(fetch).not.toHaveBeenCalled();

    await userEvent.type(screen.getByLabelText("Name"), "ok");
    expect(screen.queryByText("A name is required.")).not.toBeInTheDocument();
  });

  it("creates with the form's values and closes", async () => {
    const fetch = mockGraphQL(() => ({ data: { createRoutingRule: { ...existing, id: "8" } } }));
    const { onOpenChange } = renderDialog();
    expect(screen.getByLabelText("Priority")).toHaveValue("110");
    await userEvent.type(screen.getByLabelText("Name"), "Big files");
    await userEvent.clear(screen.getByLabelText("Pattern"));
    await userEvent.type(screen.getByLabelText("Pattern"), "*.braw");
    await userEvent.type(screen.getByLabelText("Minimum size"), "2 GB");
    expect(screen.getByText("2.0 GB (2,000,000,000 bytes)")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("checkbox", { name: "Auto-validate" }));
    await userEvent.click(screen.getByRole("button", { name: "Create rule" }));
    await vi.waitFor(() => expect(onOpenChange).toHaveBeenCalledWith(false));
    const body = JSON.parse(String(fetch.mock.calls[0][1]?.body)) as {
      query: string;
      variables: { input: Record<string, unknown> };
    };
    expect(body.query).toContain("createRoutingRule");
    expect(body.variables.input).toEqual({
      name: "Big files",
      priority: 110,
      enabled: true,
      sourceSite: null,
      pattern: "*.braw",
      destinationSite: null,
      minSizeBytes: 2_000_000_000,
      maxSizeBytes: null,
      codecs: [],
      minWidth: null,
      minHeight: null,
      autoValidate: true,
      autoQueue: false,
      autoAssign: "NONE",
    });
  });

  it("shows a duplicate name (CONFLICT) next to the name, and clears it when the name changes", async () => {
    mockGraphQL(refuse("CONFLICT", "a routing rule named 'Tustin mov' already exists", "name"));
    const { onOpenChange } = renderDialog(existing);
    expect(screen.getByRole("dialog", { name: "Edit routing rule" })).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Save rule" }));
    expect(await screen.findByText("a routing rule named 'Tustin mov' already exists")).toBeInTheDocument();
    expect(screen.getByLabelText("Name")).toHaveAttribute("aria-invalid", "true");
    expect(onOpenChange).not.toHaveBeenCalled();
    await userEvent.type(screen.getByLabelText("Name"), " 2");
    expect(screen.queryByText(/already exists/)).not.toBeInTheDocument();
  });

  it("puts BAD_USER_INPUT on the field the server names", async () => {
    mockGraphQL(refuse("BAD_USER_INPUT", "unknown site 'nashville'", "destinationSite"));
    renderDialog(existing);
    await userEvent.click(screen.getByRole("button", { name: "Save rule" }));
    expect(await screen.findByTestId("rule-destination-error")).toHaveTextContent("unknown site 'nashville'");
    expect(screen.getByRole("combobox", { name: "Destination site" })).toHaveAttribute("aria-invalid", "true");
    expect(screen.queryByTestId("rule-form-error")).not.toBeInTheDocument();
  });

  it("shows FORBIDDEN in the dialog", async () => {
    mockGraphQL(refuse("FORBIDDEN", "viewer may not manage routing rules"));
    renderDialog(existing);
    await userEvent.click(screen.getByRole("button", { name: "Save rule" }));
    expect(await screen.findByTestId("rule-form-error")).toHaveTextContent(
      "Not allowed: viewer may not manage routing rules",
    );
  });
});
