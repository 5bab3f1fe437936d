import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Dialog, SheetContent } from "@/components/ui/dialog";
import { makeDetail, makeFile } from "@/test/factories";
import { mockGraphQL, renderWithClient } from "@/test/render";
import { CustodyTimeline, failingMembers, IntegrityBanner } from "./custody";
import { FileDetailsPanel } from "./file-details";

afterEach(() => vi.unstubAllGlobals());

const ERROR =
  "CLIPS/A001C001.mxf: xxh64 mismatch: history 0123456789abcdef, card fedcba9876543210; " +
  "CLIPS/A001C009.mxf: listed in the ASC MHL history but missing from the card";

const CUSTODY = [
  {
    at: "2026-12-01T09:00:00Z",
    action: "ORIGINAL" as const,
    hashFormat: "xxh64",
    host: "dit-cart",
    tool: "ascmhl 1.2",
    location: null,
    generation: 1,
    site: null,
  },
  {
    at: "2026-12-02T10:00:00Z",
    action: "VERIFIED" as const,
    hashFormat: "xxh64",
    host: "tustin-01",
    tool: "colorroute 0.1.0",
    location: "tustin",
    generation: 2,
    site: { id: "s1", code: "tustin", name: "Tustin" },
  },
  {
    at: "2026-12-03T11:00:00Z",
    action: "VERIFIED" as const,
    hashFormat: "xxh64",
    host: "nash-01",
    tool: "colorroute 0.1.0",
    location: "nashville",
    generation: 3,
    site: { id: "s2", code: "nashville", name: "Nashville" },
  },
];

describe("custody", () => {
  it("splits an integrity error into its failing members", () => {
    expect(failingMembers(ERROR)).toEqual([
      { member: "CLIPS/A001C001.mxf", why: "xxh64 mismatch: history 0123456789abcdef, card fedcba9876543210" },
      { member: "CLIPS/A001C009.mxf", why: "listed in the ASC MHL history but missing from the card" },
    ]);
  });

  it("shows the chain DIT → source → destination with who, where and which hash", () => {
    render(<CustodyTimeline custody={CUSTODY} />);
    const items = within(screen.getByTestId("custody-timeline")).getAllByRole("listitem");
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent("Original hash · generation 1");
    expect(items[0]).toHaveTextContent("dit-cart · ascmhl 1.2 · xxh64");
    expect(items[1]).toHaveTextContent("Verified · generation 2");
    expect(items[1]).toHaveTextContent("Tustin · tustin-01");
    expect(items[2]).toHaveTextContent("Nashville");
  });

  it("says when the source's verification is waiting to be written by the destination (read-only media)", () => {
    render(<CustodyTimeline custody={[{ ...CUSTODY[1], generation: null }]} />);
    expect(screen.getByTestId("custody-timeline")).toHaveTextContent("not yet written to the card");
  });

  it("shows no banner for an intact file, and the accepted reason once accepted", () => {
    const { rerender } = render(<IntegrityBanner file={makeFile()} />);
    expect(screen.queryByTestId("integrity-banner")).not.toBeInTheDocument();
    rerender(<IntegrityBanner file={makeFile({ integrityError: ERROR, integrityAcceptedReason: "signed off" })} />);
    expect(screen.getByTestId("integrity-banner")).toHaveTextContent("risk accepted");
    expect(screen.getByTestId("integrity-accepted")).toHaveTextContent("Accepted: signed off");
  });

  it("lists the failing members on a failing card and accepts the risk with a reason", async () => {
    const file = makeFile({
      id: "91",
      kind: "FOLDER",
      memberCount: 4,
      integrityError: ERROR,
      allowedActions: ["ACCEPT_INTEGRITY_RISK", "REJECT"],
    });
    const sent: Record<string, unknown>[] = [];
    mockGraphQL(({ query, variables }) => {
      if (query.includes("query FileDetail")) return { data: makeDetail(file, { custody: CUSTODY.slice(0, 1) }) };
      if (query.includes("acceptIntegrityRisk")) {
        sent.push(variables);
        return {
          data: {
            acceptIntegrityRisk: {
              ...file,
              version: 2,
              integrityAcceptedReason: variables.reason,
              allowedActions: ["VALIDATE", "REJECT"],
            },
          },
        };
      }
      return { data: { sites: [], mamConfigured: true } };
    });
    renderWithClient(
      <Dialog open>
        <SheetContent aria-describedby={undefined}>
          <FileDetailsPanel id="91" />
        </SheetContent>
      </Dialog>,
    );
    const banner = await screen.findByTestId("integrity-banner");
    expect(within(screen.getByTestId("integrity-failures")).getAllByRole("listitem")).toHaveLength(2);
    expect(banner).toHaveTextContent("CLIPS/A001C001.mxf — xxh64 mismatch");
    expect(banner).toHaveTextContent("cannot be validated");
    const actions = screen.getByTestId("file-actions");
    expect(within(actions).queryByText("Validate")).not.toBeInTheDocument();
    await userEvent.click(within(actions).getByRole("button", { name: "Accept risk" }));
    const dialog = await screen.findByRole("dialog", { name: "Accept the integrity risk" });
    const submit = within(dialog).getByRole("button", { name: "Accept risk" });
    expect(submit).toBeDisabled();
    await userEvent.type(within(dialog).getByLabelText("Reason"), "re-offloaded; producer signed off");
    await userEvent.click(submit);
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toMatchObject({ id: "91", reason: "re-offloaded; producer signed off", expectedVersion: 1 });
    expect(await screen.findByTestId("integrity-accepted")).toHaveTextContent("re-offloaded; producer signed off");
  });
});
