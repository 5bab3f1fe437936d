import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { LiveConnection, type LiveStatus } from "@/lib/live";
import { startLiveUpdates } from "@/lib/live-updates";
import { startQueueUpdates } from "@/lib/queue-updates";
import { createWsClient } from "@/lib/ws-client";
import { queryKeys } from "@/lib/query-keys";
import { useCurrentUser } from "./use-current-user";
import { useNotifications } from "./use-notifications";

const LiveContext = createContext<LiveConnection | null>(null);

/**
 * One WebSocket per signed-in session (the cookie authenticates the handshake).
 * Mounted under the auth gate and keyed by user id, so logout closes it.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [live, setLive] = useState<LiveConnection | null>(null);
  const user = useCurrentUser();
  const { notify } = useNotifications();
  // Only colorists are assigned work: their own queue follows its own stream, and a new assignment is announced.
  const followQueue = user.role === "COLORIST";

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
    const stopQueue = followQueue
      ? startQueueUpdates(queryClient, connection, user.id, (file) =>
          notify({ title: "New work assigned to you", body: file.filename, href: "/queue" }),
        )
      : () => undefined;
    setLive(connection);
    return () => {
      stopQueue();
      stop();
      connection.dispose();
    };
  }, [queryClient, followQueue, user.id, notify]);

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
