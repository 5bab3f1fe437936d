import { describe, expect, it, vi } from "vitest";
import { LiveConnection, type LiveStatus } from "./live";
import { FakeWsClient } from "@/test/fake-ws";

function setup() {
  const client = new FakeWsClient();
  const timers: Array<() => void> = [];
  const live = new LiveConnection(client, {
    backoffMs: () => 0,
    setTimer: (fn) => timers.push(fn),
    clearTimer: () => undefined,
  });
  const flush = () => timers.splice(0).forEach((t) => t());
  return { client, live, flush };
}

describe("LiveConnection", () => {
  it("reports connecting → live → reconnecting → live", () => {
    const { client, live, flush } = setup();
    const seen: LiveStatus[] = [];
    live.onStatus((s) => seen.push(s));
    live.subscribe({ query: "subscription { a }", next: () => undefined });
    expect(live.getStatus()).toBe("connecting");
    client.emit("connected");
    client.drop();
    expect(live.getStatus()).toBe("reconnecting");
    flush();
    client.emit("connecting");
    client.emit("connected");
    expect(seen).toEqual(["live", "reconnecting", "live"]);
  });

  it("resubscribes after a drop with the latest variables (resume from the last cursor)", () => {
    const { client, live, flush } = setup();
    let cursor: string | null = null;
    const got: unknown[] = [];
    live.subscribe<{ e: { cursor: string } }>({
      query: "subscription FileEvents",
      variables: () => ({ after: cursor }),
      next: (data) => {
        cursor = data.e.cursor;
        got.push(data);
      },
    });
    client.emit("connected");
    const [first] = client.active("FileEvents");
    expect(first.payload.variables).toEqual({ after: null });
    first.sink.next({ data: { e: { cursor: "41" } } });
    first.sink.next({ data: { e: { cursor: "42" } } });
    client.drop();
    expect(client.active("FileEvents")).toHaveLength(0);
    flush();
    const [second] = client.active("FileEvents");
    expect(second.payload.variables).toEqual({ after: "42" });
    expect(got).toHaveLength(2);
  });

  it("resubscribes when the server completes a stream", () => {
    const { client, live, flush } = setup();
    live.subscribe({ query: "subscription S", next: () => undefined });
    client.active("S")[0].sink.complete();
    flush();
    expect(client.subscriptions).toHaveLength(2);
  });

  it("retries a transient GraphQL error (slow subscriber) from the cursor", () => {
    const { client, live, flush } = setup();
    const onResume = vi.fn();
    live.subscribe({ query: "subscription S", variables: () => ({ after: "5" }), next: () => undefined, onResume });
    client.emit("connected");
    client.active("S")[0].sink.error([{ message: "too slow", extensions: { code: "SUBSCRIBER_TOO_SLOW" } }]);
    flush();
    expect(client.subscriptions).toHaveLength(2);
    expect(client.subscriptions[1].payload.variables).toEqual({ after: "5" });
    expect(onResume).toHaveBeenCalledTimes(1);
  });

  it("catches up only once the socket is back, not on every retry during an outage", () => {
    // Each catch-up refetches lists: during an outage those refetches fail and the last-known rows turned into
    // an error on screen.
    const { client, live, flush } = setup();
    const onResume = vi.fn();
    live.subscribe({ query: "subscription S", next: () => undefined, onResume });
    client.emit("connected");
    client.drop();
    flush(); // the retry while the server is still down...
    client.drop();
    flush(); // ...and another
    expect(client.subscriptions).toHaveLength(3);
    expect(onResume).not.toHaveBeenCalled();
    client.emit("connecting");
    client.emit("connected");
    expect(onResume).toHaveBeenCalledTimes(1);
    expect(live.getStatus()).toBe("live");
  });

  it("forgets a pending catch-up of a stream that was stopped", () => {
    const { client, live, flush } = setup();
    const onResume = vi.fn();
    const stop = live.subscribe({ query: "subscription S", next: () => undefined, onResume });
    client.emit("connected");
    client.drop();
    flush();
    stop();
    client.emit("connected");
    expect(onResume).not.toHaveBeenCalled();
  });

  it("tells the app about a refusal and does not retry it", () => {
    const client = new FakeWsClient();
    const onGraphQLError = vi.fn();
    const timers: Array<() => void> = [];
    const live = new LiveConnection(client, { onGraphQLError, setTimer: (fn) => timers.push(fn) });
    live.subscribe({ query: "subscription S", next: () => undefined });
    const errors = [{ message: "not signed in", extensions: { code: "UNAUTHENTICATED" } }];
    client.active("S")[0].sink.error(errors);
    expect(onGraphQLError).toHaveBeenCalledWith(errors);
    expect(timers).toHaveLength(0);
  });

  it("fires onReconnect only for a reconnection, not the first connection", () => {
    const { client, live } = setup();
    const onReconnect = vi.fn();
    live.onReconnect(onReconnect);
    client.emit("connected");
    expect(onReconnect).not.toHaveBeenCalled();
    client.emit("closed");
    client.emit("connected");
    expect(onReconnect).toHaveBeenCalledTimes(1);
  });

  it("stops cleanly: no resubscribe after unsubscribe", () => {
    const { client, live, flush } = setup();
    const stop = live.subscribe({ query: "subscription S", next: () => undefined });
    stop();
    expect(client.active("S")).toHaveLength(0);
    client.drop();
    flush();
    expect(client.subscriptions).toHaveLength(1);
  });
});
