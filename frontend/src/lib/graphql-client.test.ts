import { afterEach, describe, expect, it, vi } from "vitest";
import { errorMessage, gqlRequest, GraphQLRequestError } from "./graphql-client";
import { StatsQuery } from "@/graphql/operations";
import { mockGraphQL } from "@/test/render";

afterEach(() => vi.unstubAllGlobals());

describe("gqlRequest", () => {
  it("POSTs application/json with the session cookie to /graphql", async () => {
    const fetchMock = mockGraphQL(() => ({ data: { stats: { totalFiles: 1 } } }));
    await gqlRequest(StatsQuery);
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe("/graphql");
    expect(init?.method).toBe("POST");
    expect(init?.credentials).toBe("include");
    expect((init?.headers as Record<string, string>)["content-type"]).toBe("application/json");
    expect(JSON.parse(String(init?.body)).query).toContain("query Stats");
  });

  it("turns GraphQL errors into GraphQLRequestError with code and retryAfter", async () => {
    mockGraphQL(() => ({
      data: null,
      errors: [{ message: "too many attempts", extensions: { code: "RATE_LIMITED", retryAfter: 30 } }],
    }));
    const err = await gqlRequest(StatsQuery).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphQLRequestError);
    expect((err as GraphQLRequestError).code).toBe("RATE_LIMITED");
    expect(errorMessage(err)).toBe("too many attempts (try again in 30 s)");
  });

  it("reports an unreachable server as NETWORK", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))),
    );
    const err = (await gqlRequest(StatsQuery).catch((e: unknown) => e)) as GraphQLRequestError;
    expect(err.code).toBe("NETWORK");
  });

  it("reports a non-JSON answer with its status", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response("nope", { status: 502, statusText: "Bad Gateway" })),
    );
    const err = (await gqlRequest(StatsQuery).catch((e: unknown) => e)) as GraphQLRequestError;
    expect(err.message).toContain("502");
  });
});
