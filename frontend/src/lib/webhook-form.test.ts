import { describe, expect, it } from "vitest";
import { generateSecret, validateWebhookForm } from "./webhook-form";

describe("validateWebhookForm", () => {
  it("needs an http(s) URL, a 16-character secret and a topic", () => {
    const { errors, input } = validateWebhookForm({ url: "ftp://x", secret: "short", topics: [] });
    expect(input).toBeNull();
    expect(errors).toEqual({
      url: "An http:// or https:// address.",
      secret: "At least 16 characters.",
      topics: "Choose at least one topic.",
    });
    expect(validateWebhookForm({ url: "not a url", secret: "", topics: [] }).errors.url).toBeDefined();
  });

  it("builds the input", () => {
    const { errors, input } = validateWebhookForm({
      url: " https://mam.example.com/hook ",
      secret: "0123456789abcdef",
      topics: ["site.offline", "file.state_changed"],
    });
    expect(errors).toEqual({});
    expect(input).toEqual({
      url: "https://mam.example.com/hook",
      secret: "0123456789abcdef",
      topics: ["file.state_changed", "site.offline"],
    });
  });

  it("generates a long enough secret", () => {
    const a = generateSecret();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(generateSecret()).not.toBe(a);
  });
});
