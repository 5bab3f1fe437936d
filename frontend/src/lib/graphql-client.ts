import type { DocumentTypeDecoration } from "@graphql-typed-document-node/core";

/** One GraphQL error as the server sends it. */
export interface GraphQLErrorPayload {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; retryAfter?: number; [key: string]: unknown };
}

export type ErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "INVALID_TRANSITION"
  | "CONFLICT"
  | "BAD_USER_INPUT"
  | "RATE_LIMITED"
  | "MAM_DELIVERY_FAILED"
  | "SERVICE_UNAVAILABLE"
  | "BAD_REQUEST"
  | "PAYLOAD_TOO_LARGE"
  | "QUERY_TOO_COMPLEX"
  | "NETWORK"
  | "INTERNAL";

/** A failed request, carrying the server's message and `extensions.code`. */
export class GraphQLRequestError extends Error {
  readonly code: ErrorCode;
  readonly retryAfter: number | undefined;
  readonly errors: GraphQLErrorPayload[];

  constructor(message: string, code: ErrorCode, errors: GraphQLErrorPayload[] = [], retryAfter?: number) {
    super(message);
    this.name = "GraphQLRequestError";
    this.code = code;
    this.errors = errors;
    this.retryAfter = retryAfter;
  }

  static fromErrors(errors: GraphQLErrorPayload[]): GraphQLRequestError {
    const first = errors[0];
    const code = (first?.extensions?.code as ErrorCode | undefined) ?? "INTERNAL";
    const retry = first?.extensions?.retryAfter;
    return new GraphQLRequestError(
      first?.message ?? "Request failed",
      code,
      errors,
      typeof retry === "number" ? retry : undefined,
    );
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof GraphQLRequestError) {
    if (error.code === "RATE_LIMITED" && error.retryAfter !== undefined) {
      return `${error.message} (try again in ${Math.ceil(error.retryAfter)} s)`;
    }
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Worth asking again: the server was unreachable, failed unexpectedly, or said so itself
 * (SERVICE_UNAVAILABLE with `retryable`, e.g. while its database restarts). Anything else is an answer.
 */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof GraphQLRequestError)) return true;
  if (error.code === "NETWORK" || error.code === "INTERNAL" || error.code === "SERVICE_UNAVAILABLE") return true;
  return error.errors[0]?.extensions?.retryable === true;
}

export function isUnauthenticated(error: unknown): boolean {
  return error instanceof GraphQLRequestError && error.code === "UNAUTHENTICATED";
}

type Doc<R, V> = DocumentTypeDecoration<R, V> & { toString(): string };

export interface RequestOptions {
  endpoint?: string;
  fetchImpl?: typeof fetch;
  signal?: AbortSignal;
}

/**
 * POST a typed document to the same-origin endpoint as application/json with the
 * session cookie (the server refuses any other kind of cookie-authenticated request).
 */
export async function gqlRequest<R, V>(
  document: Doc<R, V>,
  variables?: V,
  { endpoint = "/graphql", fetchImpl = fetch, signal }: RequestOptions = {},
): Promise<R> {
  let response: Response;
  try {
    response = await fetchImpl(endpoint, {
      method: "POST",
      credentials: "include",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
      signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new GraphQLRequestError("Cannot reach the server", "NETWORK");
  }
  let body: { data?: R | null; errors?: GraphQLErrorPayload[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new GraphQLRequestError(
      `Server answered ${response.status} ${response.statusText}`.trim(),
      response.status === 429 ? "RATE_LIMITED" : "INTERNAL",
    );
  }
  if (body.errors && body.errors.length > 0) throw GraphQLRequestError.fromErrors(body.errors);
  if (body.data === undefined || body.data === null) {
    throw new GraphQLRequestError(`Server answered ${response.status} without data`, "INTERNAL");
  }
  return body.data;
}
