import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";

export interface Notice {
  id: number;
  title: string;
  body?: string;
  /** Where "Open" leads, e.g. the colorist's queue. */
  href?: string;
}

interface Notifications {
  notices: Notice[];
  notify: (notice: Omit<Notice, "id">) => void;
  dismiss: (id: number) => void;
}

const NotificationsContext = createContext<Notifications | null>(null);

/** How long a notice stays unless dismissed: long enough to be read on a busy grading screen. */
export const NOTICE_MS = 15_000;
const MAX_NOTICES = 4;

/** Short-lived notices (toasts) for things that happened elsewhere, e.g. work assigned to the signed-in colorist. */
export function NotificationsProvider({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setNotices((all) => all.filter((n) => n.id !== id)), []);
  const notify = useCallback(
    (notice: Omit<Notice, "id">) => {
      const id = next.current++;
      setNotices((all) => [...all.slice(-(MAX_NOTICES - 1)), { ...notice, id }]);
      setTimeout(() => dismiss(id), NOTICE_MS);
    },
    [dismiss],
  );
  const value = useMemo(() => ({ notices, notify, dismiss }), [notices, notify, dismiss]);
  return <NotificationsContext.Provider value={value}>{children}</NotificationsContext.Provider>;
}

export function useNotifications(): Notifications {
  const value = useContext(NotificationsContext);
  if (!value) throw new Error("useNotifications outside NotificationsProvider");
  return value;
}
