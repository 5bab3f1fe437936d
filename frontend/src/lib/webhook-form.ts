/** The webhook subscription form as plain data, checked as the server checks it. */
import type { WebhookSubscriptionInput } from "@/gql/graphql";

/** The topics the server delivers (app/domain/notifications.py), with what each means. */
export const WEBHOOK_TOPICS: readonly { topic: string; description: string }[] = [
  { topic: "file.state_changed", description: "A file moved to another state." },
  { topic: "transfer.failed", description: "A transfer failed; the file went back to the queue." },
  { topic: "file.delivery_failed", description: "The MAM refused or did not answer a delivery." },
  { topic: "site.offline", description: "A site's daemon stopped sending heartbeats." },
  { topic: "site.online", description: "A site's daemon is back." },
];

export const WEBHOOK_FIELDS = ["url", "secret", "topics"] as const;
export type WebhookField = (typeof WEBHOOK_FIELDS)[number];

export interface WebhookForm {
  url: string;
  secret: string;
  topics: string[];
}

export const MIN_SECRET_LENGTH = 16;

export function validateWebhookForm(form: WebhookForm): {
  errors: Partial<Record<WebhookField, string>>;
  input: WebhookSubscriptionInput | null;
} {
  const errors: Partial<Record<WebhookField, string>> = {};
  const url = form.url.trim();
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:") || !parsed.host) {
    errors.url = "An http:// or https:// address.";
  }
  if (form.secret.length < MIN_SECRET_LENGTH) errors.secret = `At least ${MIN_SECRET_LENGTH} characters.`;
  if (form.topics.length === 0) errors.topics = "Choose at least one topic.";
  if (Object.keys(errors).length > 0) return { errors, input: null };
  return { errors, input: { url, secret: form.secret, topics: [...form.topics].sort() } };
}

/** A random signing secret (32 hex characters) for the admin who has none at hand. */
export function generateSecret(bytes = 16): string {
  const data = new Uint8Array(bytes);
  crypto.getRandomValues(data);
  return Array.from(data, (b) => b.toString(16).padStart(2, "0")).join("");
}
