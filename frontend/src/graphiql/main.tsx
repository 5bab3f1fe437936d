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

const root = document.getElementById("graphiql");
if (!root) throw new Error("#graphiql missing");
createRoot(root).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} defaultTheme={storedTheme()} />
  </StrictMode>,
);
