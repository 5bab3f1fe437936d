import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { GraphiQL } from "graphiql";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { createClient } from "graphql-ws";
import "graphiql/setup-workers/vite";
import "graphiql/style.css";
import { graphqlWsUrl } from "../lib/ws-client";
import { storedTheme } from "../lib/theme";

// Same origin, the session cookie on every request, and graphql-ws for subscriptions.
// Everything is bundled: no CDN (sites are often air-gapped).
const fetcher = createGraphiQLFetcher({
  url: "/graphql",
  fetch: (input, init) =>
    fetch(input, {
      ...init,
      method: "POST",
      credentials: "include",
      headers: { ...(init?.headers as Record<string, string> | undefined), "content-type": "application/json" },
    }),
  wsClient: createClient({ url: graphqlWsUrl(), lazy: true, retryAttempts: 5 }),
});

const DEFAULT_QUERY = `# Signed in with this browser's session.
query Overview {
  me { username role }
  stats { totalFiles activeTransfers sitesOnline sitesTotal }
  sites { code name online lastHeartbeatAt }
}
`;

function SignInFirst() {
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 420, margin: "15vh auto", lineHeight: 1.5 }}>
      <h1 style={{ fontSize: 20 }}>Sign in first</h1>
      <p>
        GraphiQL uses your Color Routing session. <a href="/">Sign in</a>, then come back to <code>/graphiql</code>.
      </p>
    </main>
  );
}

/** Anonymous callers may not introspect the schema: say so instead of showing GraphiQL's schema error. */
async function signedIn(): Promise<boolean> {
  try {
    const r = await fetch("/graphql", {
      method: "POST",
      credentials: "include",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ me { id } }" }),
    });
    const body = (await r.json()) as { data?: { me: { id: string } | null } };
    return Boolean(body.data?.me);
  } catch {
    return true; // let GraphiQL show whatever the network problem is
  }
}

const root = document.getElementById("graphiql");
if (!root) throw new Error("#graphiql missing");
void signedIn().then((ok) =>
  createRoot(root).render(
    <StrictMode>
      {ok ? <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} defaultTheme={storedTheme()} /> : <SignInFirst />}
    </StrictMode>,
  ),
);
