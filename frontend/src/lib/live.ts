/**
 * Live connection: one graphql-ws client, many subscriptions, each resubscribed by us
 * (not by graphql-ws) after a drop so that it resumes from the latest cursor the app
 * has seen: `variables()` is read again on every (re)subscribe.
 */
import type { GraphQLErrorPayload } from "./graphql-client";

export type LiveStatus = "connecting" | "live" | "reconnecting" | "closed";

export interface ExecutionResultLike<T> {
  data?: T | null;
  errors?: ReadonlyArray<GraphQLErrorPayload>;
}

export interface SinkLike<T> {
  next(value: ExecutionResultLike<T>): void;
  error(error: unknown): void;
  complete(): void;
}

/** The part of graphql-ws's Client this module needs (so tests can fake it). */
export interface SubscribeClient {
  subscribe<T>(payload: { query: string; variables?: Record<string, unknown> }, sink: SinkLike<T>): () => void;
  on(event: "connecting" | "connected" | "closed", listener: () => void): () => void;
  dispose(): void | Promise<void>;
}

export interface LiveSubscription<T> {
  query: string;
  /** Read at every (re)subscribe: return the latest cursor here. */
  variables?: () => Record<string, unknown> | undefined;
  next: (data: T) => void;
  /** Called when this stream is started again after a failure: catch up on what it cannot replay. */
  onResume?: () => void;
}

export interface LiveOptions {
  /** Delay before resubscribe attempt `n` (0-based). */
  backoffMs?: (attempt: number) => number;
  /** A GraphQL error on a subscription (e.g. the session ended). */
  onGraphQLError?: (errors: ReadonlyArray<GraphQLErrorPayload>) => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export const defaultBackoff = (attempt: number): number =>
  Math.min(10_000, 500 * 2 ** attempt) + Math.floor(Math.random() * 250);

function isGraphQLErrorList(error: unknown): error is GraphQLErrorPayload[] {
  return Array.isArray(error) && error.every((e) => typeof e === "object" && e !== null && "message" in e);
}

/** Refusals that the same request would meet again; anything else (e.g. SUBSCRIBER_TOO_SLOW) is retried. */
const FINAL_CODES: ReadonlySet<string> = new Set([
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "BAD_USER_INPUT",
  "GRAPHQL_VALIDATION_FAILED",
  "GRAPHQL_PARSE_FAILED",
]);

export function isFinalError(errors: ReadonlyArray<GraphQLErrorPayload>): boolean {
  return errors.some((e) => FINAL_CODES.has(String(e.extensions?.code ?? "")));
}

export class LiveConnection {
  private status: LiveStatus = "connecting";
  private everConnected = false;
  /** The socket is up (between graphql-ws's "connected" and its next "closed"/"connecting"). */
  private socketOpen = false;
  private statusListeners = new Set<(s: LiveStatus) => void>();
  private reconnectListeners = new Set<() => void>();
  /** Catch-ups of streams resubscribed while the socket was down: run once it is back (see subscribe). */
  private pendingResumes = new Set<() => void>();
  private retrying = 0;
  private disposed = false;
  private readonly unlisten: Array<() => void>;
  private readonly backoff: (attempt: number) => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private readonly client: SubscribeClient;
  private readonly options: LiveOptions;

  constructor(client: SubscribeClient, options: LiveOptions = {}) {
    this.client = client;
    this.options = options;
    this.backoff = options.backoffMs ?? defaultBackoff;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
    this.unlisten = [
      client.on("connecting", () => {
        this.socketOpen = false;
        this.setStatus(this.everConnected ? "reconnecting" : "connecting");
      }),
      client.on("connected", () => {
        const wasReconnect = this.everConnected;
        this.everConnected = true;
        this.socketOpen = true;
        this.setStatus("live");
        const resumes = [...this.pendingResumes];
        this.pendingResumes.clear();
        resumes.forEach((r) => r());
        if (wasReconnect) this.reconnectListeners.forEach((l) => l());
      }),
      client.on("closed", () => {
        this.socketOpen = false;
        if (!this.disposed) this.setStatus(this.everConnected ? "reconnecting" : "connecting");
      }),
    ];
  }

  getStatus(): LiveStatus {
    return this.status;
  }

  onStatus(listener: (s: LiveStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Called after the socket comes back: refetch what has no cursor to resume from. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  subscribe<T>(spec: LiveSubscription<T>): () => void {
    let stopped = false;
    let attempt = 0;
    let timer: unknown = null;
    let dispose: (() => void) | null = null;

    const scheduleRetry = (): void => {
      if (stopped || this.disposed) return;
      dispose = null;
      this.retrying += 1;
      if (this.everConnected) this.setStatus("reconnecting");
      timer = this.setTimer(() => {
        timer = null;
        this.retrying -= 1;
        attempt += 1;
        start();
        // Catch up (refetch lists) only over a live socket: during an outage every retry would refetch, fail,
        // and turn the last-known data on screen into an error.
        if (this.socketOpen) {
          // A stream ended on a live socket (the server dropped a slow subscriber): it is back now.
          if (this.retrying === 0) this.setStatus("live");
          spec.onResume?.();
        } else if (spec.onResume) {
          this.pendingResumes.add(spec.onResume);
        }
      }, this.backoff(attempt));
    };

    const start = (): void => {
      if (stopped || this.disposed) return;
      dispose = this.client.subscribe<T>(
        { query: spec.query, variables: spec.variables?.() },
        {
          next: (result) => {
            attempt = 0;
            if (result.errors && result.errors.length > 0) {
              this.options.onGraphQLError?.(result.errors);
              return;
            }
            if (result.data) spec.next(result.data);
          },
          error: (error) => {
            if (stopped) return;
            if (isGraphQLErrorList(error)) {
              this.options.onGraphQLError?.(error);
              // A refusal (signed out, forbidden) would come back the same: stop. A transient error
              // (the server dropped a slow subscriber) resumes from the cursor like a lost socket.
              if (isFinalError(error)) return;
            }
            scheduleRetry();
          },
          // The server ended the stream (e.g. restart): resume from the last cursor.
          complete: () => scheduleRetry(),
        },
      );
    };

    start();
    return () => {
      stopped = true;
      if (spec.onResume) this.pendingResumes.delete(spec.onResume);
      if (timer !== null) {
        this.clearTimer(timer);
        this.retrying -= 1;
      }
      dispose?.();
    };
  }

  dispose(): void {
    this.disposed = true;
    this.unlisten.forEach((u) => u());
    this.setStatus("closed");
    void this.client.dispose();
  }

  private setStatus(status: LiveStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.statusListeners.forEach((l) => l(status));
  }
}
