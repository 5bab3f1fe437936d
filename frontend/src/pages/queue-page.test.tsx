import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { QueueFileFragment } from "@/gql/graphql";
import { CurrentUserProvider } from "@/hooks/use-current-user";
import type { CurrentUser } from "@/hooks/use-auth";
import { QueuePage } from "./queue-page";
import { makeFile } from "@/test/factories";
import { mockGraphQL, renderWithClient } from "@/test/render";

const carla: CurrentUser = {
  id: "7",
  username: "carla",
  displayName: "Carla Colorist",
  role: "COLORIST",
  active: true,
  activeFiles: 2,
  site: { id: "s2", code: "nashville", name: "Nashville" },
};
const colorist = { id: "7", username: "carla", displayName: "Carla Colorist" };
const nashville = { id: "s2", code: "nashville", name: "Nashville" };
const PATH = "/mnt/nashville/incoming/DAY1/A001_C001.mov";

function queued(overrides: Partial<QueueFileFragment>): QueueFileFragment {
  return {
    ...makeFile({ state: "COLORIST_ASSIGNED", colorist, destinationSite: nashville, allowedActions: [] }),
    deliveredPath: null,
    ...overrides,
  };
}

const graded = queued({
  id: "11",
  filename: "A001_C001.mov",
  state: "IN_PROGRESS",
  version: 6,
  deliveredPath: PATH,
  allowedActions: ["DELIVER", "REJECT", "HAND_BACK"],
  media: {
    container: "mov",
    codec: "prores",
    profile: "4444",
    width: 3840,
    height: 2160,
    frameRate: 23.976,
    frameRateExact: "24000/1001",
    durationSeconds: 12.5,
    frameCount: 300,
    startTimecode: "01:00:00:00",
    bitDepth: 12,
    audioChannels: 2,
    partial: false,
    probeError: null,
  },
});
const sequence = queued({
  id: "12",
  filename: "B002_[086400-086499].dpx",
  path: "DAY1/B002",
  kind: "SEQUENCE",
  memberCount: 100,
  frameRange: "86400-86499",
  allowedActions: ["START", "REJECT", "HAND_BACK"],
});

function queueAnswer(files: QueueFileFragment[]) {
  return {
    data: {
      myQueue: {
        totalCount: files.length,
        edges: files.map((node) => ({ cursor: node.id, node })),
        pageInfo: { hasNextPage: false, endCursor: null },
      },
    },
  };
}

function renderPage() {
  return renderWithClient(
    <CurrentUserProvider user={carla}>
      <QueuePage />
    </CurrentUserProvider>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe("QueuePage", () => {
  it("lists the colorist's files with their media and where they sit on the site's storage", async () => {
    mockGraphQL(() => queueAnswer([graded, sequence]));
    renderPage();
    const rows = await screen.findAllByTestId("queue-row");
    expect(rows.map((r) => r.getAttribute("data-file-id"))).toEqual(["11", "12"]);
    expect(screen.getByText(/Files assigned to you, and where each sits on Nashville storage/)).toBeInTheDocument();

    const first = within(rows[0]);
    expect(first.getByRole("link", { name: "A001_C001.mov" })).toHaveAttribute("href", "/files/11");
    expect(first.getByTestId("delivered-path")).toHaveTextContent(PATH);
    expect(first.getByTestId("queue-media")).toHaveTextContent("ProRes 4444 · 3840×2160 · 23.976 fps");
    expect(first.getByTestId("queue-media")).toHaveTextContent("TC 01:00:00:00");
    expect(first.getByRole("button", { name: "Hand back" })).toBeInTheDocument();

    const second = within(rows[1]);
    expect(second.getByTestId("package-summary")).toHaveTextContent("86400-86499");
    // An agent that did not say where it put the file: the path inside its incoming folder instead.
    expect(second.getByTestId("queue-location")).toHaveTextContent("Not reported by Nashville's agent");
    expect(second.getByTestId("queue-location")).toHaveTextContent("DAY1/B002");
  });

  it("says so when nothing is assigned", async () => {
    mockGraphQL(() => queueAnswer([]));
    renderPage();
    expect(await screen.findByText("Nothing assigned to you")).toBeInTheDocument();
  });

  it("hands a file back with a reason, and the row leaves the queue", async () => {
    const fetchMock = mockGraphQL((body) => {
      if (body.query.includes("handBackFile")) {
        return {
          data: {
            handBackFile: { ...graded, state: "TRANSFERRED", version: 7, colorist: null, allowedActions: [] },
          },
        };
      }
      return queueAnswer([graded, sequence]);
    });
    renderPage();
    const [row] = await screen.findAllByTestId("queue-row");
    await userEvent.click(within(row).getByRole("button", { name: "Hand back" }));
    const dialog = await screen.findByRole("dialog");
    const submit = within(dialog).getByRole("button", { name: "Hand back" });
    expect(submit).toBeDisabled(); // a reason is required
    await userEvent.type(within(dialog).getByLabelText("Reason"), "  LUT missing for this camera ");
    await userEvent.click(submit);

    await waitFor(() => expect(screen.getAllByTestId("queue-row")).toHaveLength(1));
    expect(screen.getByTestId("queue-row")).toHaveAttribute("data-file-id", "12");
    const call = fetchMock.mock.calls
      .map(([, init]) => JSON.parse(String(init?.body)) as { query: string; variables: Record<string, unknown> })
      .find((b) => b.query.includes("handBackFile"));
    expect(call?.variables).toEqual({ id: "11", reason: "LUT missing for this camera", expectedVersion: 6 });
  });
});
