import { afterEach, describe, expect, it, vi } from "vitest";
import { errorMessage, gqlRequest, GraphQLRequestError, isRetryable } from "./graphql-client";
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

describe("isRetryable", () => {
  it("retries a database outage, an unreachable server and unexpected failures, not answers", async () => {
    mockGraphQL(() => ({
      data: null,
      errors: [
        {
          message: "Service temporarily unavailable: the database cannot be reached. Retry shortly.",
          extensions: { code: "SERVICE_UNAVAILABLE", retryable: true },
        },
      ],
    }));
    const outage = await gqlRequest(StatsQuery).catch((e: unknown) => e);
    expect((outage as GraphQLRequestError).code).toBe("SERVICE_UNAVAILABLE");
    expect(isRetryable(outage)).toBe(true);
    expect(isRetryable(new GraphQLRequestError("Cannot reach the server", "NETWORK"))).toBe(true);
    expect(isRetryable(new GraphQLRequestError("Internal server error.", "INTERNAL"))).toBe(true);
    expect(isRetryable(new GraphQLRequestError("no", "FORBIDDEN"))).toBe(false);
    expect(isRetryable(new GraphQLRequestError("stale", "CONFLICT"))).toBe(false);
    expect(isRetryable(new GraphQLRequestError("bad", "BAD_USER_INPUT"))).toBe(false);
  });
});
