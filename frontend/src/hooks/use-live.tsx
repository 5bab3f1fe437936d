import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { LiveConnection, type LiveStatus } from "@/lib/live";
import { startLiveUpdates } from "@/lib/live-updates";
import { createWsClient } from "@/lib/ws-client";
import { queryKeys } from "@/lib/query-keys";

const LiveContext = createContext<LiveConnection | null>(null);

/**
 * One WebSocket per signed-in session (the cookie authenticates the handshake).
 * Mounted under the auth gate and keyed by user id, so logout closes it.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [live, setLive] = useState<LiveConnection | null>(null);

  useEffect(() => {
    const connection = new LiveConnection(createWsClient(), {
      onGraphQLError: (errors) => {
        if (errors.some((e) => e.extensions?.code === "UNAUTHENTICATED")) {
          // The session ended: ask the server who we are; a null `me` shows the login page.
          void queryClient.invalidateQueries({ queryKey: queryKeys.me });
        }
      },
    });
    const stop = startLiveUpdates(queryClient, connection);
    setLive(connection);
    return () => {
      stop();
      connection.dispose();
    };
  }, [queryClient]);

  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}

const noopSubscribe = () => () => undefined;

export function useLiveStatus(): LiveStatus {
  const live = useContext(LiveContext);
  return useSyncExternalStore(
    live ? (cb) => live.onStatus(cb) : noopSubscribe,
    () => live?.getStatus() ?? "connecting",
  );
}
