import { describe, expect, it } from "vitest";
import { hasErrors, mergeFormErrors, serverFormErrors } from "./form-errors";
import { GraphQLRequestError } from "./graphql-client";

const FIELDS = ["name", "pattern", "destinationSite"] as const;

const gqlError = (code: string, message: string, extensions: Record<string, unknown> = {}) =>
  GraphQLRequestError.fromErrors([{ message, extensions: { code, ...extensions } }]);

describe("serverFormErrors", () => {
  it("puts BAD_USER_INPUT next to the field in extensions.field", () => {
    const e = gqlError("BAD_USER_INPUT", "pattern must be 1-300 characters", { field: "pattern" });
    expect(serverFormErrors(e, FIELDS)).toEqual({
      fields: { pattern: "pattern must be 1-300 characters" },
      general: null,
    });
  });

  it("puts a CONFLICT on a duplicate name next to the name", () => {
    const e = gqlError("CONFLICT", "a routing rule named 'x' already exists", { field: "name" });
    expect(serverFormErrors(e, FIELDS).fields.name).toMatch(/already exists/);
  });

  it("keeps FORBIDDEN, unknown fields and lost connections for the form as a whole", () => {
    expect(serverFormErrors(gqlError("FORBIDDEN", "viewer may not manage routing rules"), FIELDS)).toEqual({
      fields: {},
      general: "Not allowed: viewer may not manage routing rules",
    });
    expect(serverFormErrors(gqlError("BAD_USER_INPUT", "each rule may appear once", { field: "ids" }), FIELDS)).toEqual(
      { fields: {}, general: "each rule may appear once" },
    );
    expect(serverFormErrors(new GraphQLRequestError("Cannot reach the server", "NETWORK"), FIELDS).general).toBe(
      "Cannot reach the server",
    );
    expect(serverFormErrors(null, FIELDS)).toEqual({ fields: {}, general: null });
  });

  it("lets the client's message for a field win, keeping the server's general one", () => {
    const merged = mergeFormErrors<"name" | "pattern">(
      { name: "A name is required." },
      { fields: { name: "exists", pattern: "bad" }, general: "later" },
    );
    expect(merged).toEqual({ fields: { name: "A name is required.", pattern: "bad" }, general: "later" });
    expect(hasErrors(merged.fields)).toBe(true);
    expect(hasErrors({})).toBe(false);
  });
});
