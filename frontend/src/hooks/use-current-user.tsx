import { createContext, useContext, type ReactNode } from "react";
import type { CurrentUser } from "./use-auth";

const CurrentUserContext = createContext<CurrentUser | null>(null);

/** Provided by the auth gate: everything below it renders only while someone is signed in. */
export function CurrentUserProvider({ user, children }: { user: CurrentUser; children: ReactNode }) {
  return <CurrentUserContext.Provider value={user}>{children}</CurrentUserContext.Provider>;
}

export function useCurrentUser(): CurrentUser {
  const user = useContext(CurrentUserContext);
  if (!user) throw new Error("useCurrentUser outside CurrentUserProvider");
  return user;
}
