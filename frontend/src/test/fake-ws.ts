import type { SinkLike, SubscribeClient } from "@/lib/live";

export interface FakeSubscription {
  payload: { query: string; variables?: Record<string, unknown> };
  sink: SinkLike<unknown>;
  disposed: boolean;
}

/** A stand-in for graphql-ws's client: records subscriptions, lets a test push events and drop the socket. */
export class FakeWsClient implements SubscribeClient {
  subscriptions: FakeSubscription[] = [];
  private listeners: Record<string, Set<() => void>> = {};

  subscribe<T>(payload: FakeSubscription["payload"], sink: SinkLike<T>): () => void {
    const sub: FakeSubscription = { payload, sink: sink as SinkLike<unknown>, disposed: false };
    this.subscriptions.push(sub);
    return () => {
      sub.disposed = true;
    };
  }

  on(event: "connecting" | "connected" | "closed", listener: () => void): () => void {
    (this.listeners[event] ??= new Set()).add(listener);
    return () => this.listeners[event]?.delete(listener);
  }

  emit(event: "connecting" | "connected" | "closed"): void {
    this.listeners[event]?.forEach((l) => l());
  }

  dispose(): void {}

  active(query: string): FakeSubscription[] {
    return this.subscriptions.filter((s) => !s.disposed && s.payload.query.includes(query));
  }

  /** The socket drops: every live subscription errors with a close event, like graphql-ws with retryAttempts 0. */
  drop(): void {
    this.emit("closed");
    for (const sub of this.subscriptions.filter((s) => !s.disposed)) {
      sub.disposed = true;
      sub.sink.error({ code: 1006, reason: "abnormal closure" });
    }
  }
}
