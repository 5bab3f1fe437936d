import { describe, expect, it } from "vitest";
import type { UserFieldsFragment } from "@/gql/graphql";
import { sortColorists } from "./action-dialogs";

const user = (id: string, over: Partial<UserFieldsFragment>): UserFieldsFragment => ({
  id,
  username: id,
  displayName: id,
  role: "COLORIST",
  active: true,
  activeFiles: 0,
  site: null,
  ...over,
});

describe("sortColorists", () => {
  it("keeps active colorists, destination site first, then least busy", () => {
    const users = [
      user("zoe", { site: { id: "1", code: "dallas", name: "Dallas" }, activeFiles: 0 }),
      user("amy", { site: { id: "2", code: "nashville", name: "Nashville" }, activeFiles: 3 }),
      user("bea", { site: { id: "2", code: "nashville", name: "Nashville" }, activeFiles: 1 }),
      user("old", { active: false }),
      user("eng", { role: "ENGINEER" }),
    ];
    expect(sortColorists(users, "nashville").map((u) => u.id)).toEqual(["bea", "amy", "zoe"]);
  });
});
