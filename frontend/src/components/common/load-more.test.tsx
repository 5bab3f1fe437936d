import { describe, expect, it, vi } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { LoadMoreFooter } from "./load-more";

const base = { shown: 50, total: 120, hasNextPage: true, isFetchingNextPage: false, testId: "files-count" };

describe("LoadMoreFooter", () => {
  it("shows the count and loads the next page on click", async () => {
    const onLoadMore = vi.fn();
    render(<LoadMoreFooter {...base} onLoadMore={onLoadMore} />);
    expect(screen.getByTestId("files-count")).toHaveTextContent("Showing 50 of 120");
    await userEvent.click(screen.getByRole("button", { name: "Load more" }));
    expect(onLoadMore).toHaveBeenCalledTimes(1);
  });

  it("cannot ask for the same page twice while it is on its way", () => {
    render(<LoadMoreFooter {...base} isFetchingNextPage onLoadMore={() => {}} />);
    expect(screen.getByRole("button", { name: "Loading…" })).toBeDisabled();
  });

  it("has no button on the last page", () => {
    render(<LoadMoreFooter {...base} shown={120} hasNextPage={false} onLoadMore={() => {}} />);
    expect(screen.getByTestId("files-count")).toHaveTextContent("Showing 120 of 120");
    expect(screen.queryByRole("button")).toBeNull();
  });
});
