import type { CodegenConfig } from "@graphql-codegen/cli";

// Typed documents are generated from the committed schema contract and committed
// (src/gql/), so building the UI never needs a running server.
const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: true,
  generates: {
    "./src/gql/": {
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
