import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { makeFile } from "@/test/factories";
import { mockGraphQL, renderWithClient } from "@/test/render";
import { MEMBERS_PAGE, PackageMembers, PackageSummary } from "./package-info";

afterEach(() => vi.unstubAllGlobals());

describe("PackageSummary", () => {
  it("shows a sequence's kind, frame range, frame count and missing frames", () => {
    render(
      <PackageSummary
        file={makeFile({
          kind: "SEQUENCE",
          memberCount: 1200,
          frameRange: "86400-87601",
          missingFrames: "87000-87001",
        })}
      />,
    );
    const summary = screen.getByTestId("package-summary");
    expect(summary).toHaveTextContent("Sequence");
    expect(summary).toHaveTextContent("86400-87601");
    expect(summary).toHaveTextContent(`${(1200).toLocaleString()} frames`);
    expect(screen.getByTestId("missing-frames")).toHaveTextContent("missing 87000-87001");
  });

  it("shows a folder's file count and no warning; a plain file shows nothing", () => {
    const { rerender } = render(<PackageSummary file={makeFile({ kind: "FOLDER", memberCount: 3 })} />);
    expect(screen.getByTestId("package-summary")).toHaveTextContent("Folder3 files");
    expect(screen.queryByTestId("missing-frames")).not.toBeInTheDocument();
    rerender(<PackageSummary file={makeFile()} />);
    expect(screen.queryByTestId("package-summary")).not.toBeInTheDocument();
  });
});

describe("PackageMembers", () => {
  it("lists members with their hashes a page at a time", async () => {
    const member = (i: number) => ({
      path: `B.${String(i).padStart(4, "0")}.dpx`,
      sizeBytes: 10,
      sha256: `${i}`.repeat(64).slice(0, 64),
      hashFormat: i === 0 ? "xxh64" : null,
      hash: i === 0 ? "0123456789abcdef" : null,
    });
    const fetch = mockGraphQL(({ variables }) => {
      const start = variables.after ? MEMBERS_PAGE : 0;
      const count = variables.after ? 20 : MEMBERS_PAGE;
      return {
        data: {
          file: {
            id: "7",
            members: {
              totalCount: MEMBERS_PAGE + 20,
              edges: Array.from({ length: count }, (_, k) => ({ cursor: `m${start + k}`, node: member(start + k) })),
              pageInfo: { hasNextPage: !variables.after, endCursor: variables.after ? null : "next" },
            },
          },
        },
      };
    });
    renderWithClient(<PackageMembers fileId="7" />);
    expect(await screen.findAllByTestId("package-member")).toHaveLength(MEMBERS_PAGE);
    expect(screen.getByText("B.0000.dpx")).toBeInTheDocument();
    expect(screen.getByTitle(member(0).sha256)).toBeInTheDocument();
    expect(screen.getAllByTestId("package-member-mhl")).toHaveLength(1); // only a member that has one
    expect(screen.getByTitle("xxh64 0123456789abcdef")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Show more" }));
    expect(await screen.findByText("B.0119.dpx")).toBeInTheDocument();
    expect(screen.getAllByTestId("package-member")).toHaveLength(MEMBERS_PAGE + 20);
    expect(screen.queryByRole("button", { name: "Show more" })).not.toBeInTheDocument();
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});
