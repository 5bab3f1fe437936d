import type { CodegenConfig } from "@graphql-codegen/cli";

// Typed documents are generated from the committed schema contract and committed
// (src/gql/), so building the UI never needs a running server. `make codegen-check` generates into a
// scratch folder (CODEGEN_OUT) and compares, so a stale src/gql fails the tests without touching it.
const out = process.env.CODEGEN_OUT ?? "./src/gql/";

const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: true,
  generates: {
    [out]: {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        documentMode: "string",
        enumsAsTypes: true,
        scalars: { DateTime: "string", BigInt: "number | string", JSON: "unknown" },
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
      },
    },
  },
};

export default config;
