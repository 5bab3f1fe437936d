/// <reference types="node" />
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildSchema, GraphQLEnumType } from "graphql";
import { describe, expect, it } from "vitest";
import { orderedActions } from "@/components/files/file-actions";
import { ACTION_LABELS, ACTION_ORDER } from "./domain";

// The contract the generated types (src/gql) come from; `make test` checks that they match it.
const sdl = readFileSync(fileURLToPath(import.meta.resolve("../../../schema.graphql")), "utf8");

function enumValues(name: string): string[] {
  const type = buildSchema(sdl).getType(name);
  if (!(type instanceof GraphQLEnumType)) throw new Error(`${name} is not an enum in schema.graphql`);
  return type.getValues().map((v) => v.name);
}

describe("file actions", () => {
  it("has a button, in order and labelled, for every FileAction the server may allow", () => {
    const actions = enumValues("FileAction");
    expect(actions.length).toBeGreaterThan(0);
    const missing = actions.filter((a) => !(ACTION_ORDER as readonly string[]).includes(a));
    expect(missing, "allowed by the server but never shown").toEqual([]);
    expect([...ACTION_ORDER].sort()).toEqual([...actions].sort());
    expect(Object.keys(ACTION_LABELS).sort()).toEqual([...actions].sort());
    // Everything allowed at once: every action gets its button, none is filtered away.
    expect(orderedActions(ACTION_ORDER).length).toBe(actions.length);
  });
});
