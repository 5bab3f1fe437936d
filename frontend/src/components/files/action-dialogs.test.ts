import { describe, expect, it } from "vitest";
import type { UserFieldsFragment } from "@/gql/graphql";
import { rerouteChoices, sortColorists } from "./action-dialogs";

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

describe("rerouteChoices", () => {
  it("offers every site but the file's own and the one it is bound for", () => {
    const site = (code: string) => ({
      id: code,
      code,
      name: code,
      online: true,
      lastHeartbeatAt: null,
      daemonVersion: null,
      watchPath: null,
      queueDepth: null,
      diskFreeBytes: null,
    });
    const sites = ["tustin", "nashville", "dallas", "atlanta"].map(site);
    expect(rerouteChoices(sites, "tustin", "nashville").map((s) => s.code)).toEqual(["dallas", "atlanta"]);
    expect(rerouteChoices(sites, "tustin", null).map((s) => s.code)).toEqual(["nashville", "dallas", "atlanta"]);
  });
});
