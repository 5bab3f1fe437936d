import { createClient, type Client } from "graphql-ws";

export function graphqlWsUrl(location: Pick<Location, "protocol" | "host"> = window.location): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/graphql`;
}

/**
 * A graphql-ws client that never resubscribes by itself (LiveConnection does, with the
 * latest cursor) and closes a socket whose pong does not come back, so a dead network
 * shows up as "reconnecting" instead of silence.
 */
export function createWsClient(url: string = graphqlWsUrl(), pongTimeoutMs = 5_000): Client {
  let pongTimer: ReturnType<typeof setTimeout> | undefined;
  let activeSocket: WebSocket | null = null;
  return createClient({
    url,
    lazy: true,
    lazyCloseTimeout: 3_000,
    retryAttempts: 0,
    keepAlive: 10_000,
    on: {
      ping: (received) => {
        if (received) return;
        pongTimer = setTimeout(() => {
          activeSocket?.close(4408, "Pong timeout");
        }, pongTimeoutMs);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
      connected: (socket) => {
        activeSocket = socket as WebSocket;
      },
      closed: () => {
        clearTimeout(pongTimer);
        activeSocket = null;
      },
    },
  });
}
