/// <reference types="vitest/config" />
import { fileURLToPath, URL } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import tailwindcss from "@tailwindcss/vite";

const backend = process.env.COLORROUTE_BACKEND ?? "http://127.0.0.1:5000";

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: {
    alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) },
  },
  optimizeDeps: {
    // graphiql's worker setup imports Monaco's workers with `?worker`, which Vite itself resolves but its
    // dependency pre-bundler cannot: serve just that module unbundled in dev.
    exclude: ["graphiql/setup-workers/vite", "@graphiql/react/setup-workers/vite"],
  },
  server: {
    proxy: {
      "/graphql": { target: backend, ws: true, changeOrigin: false },
    },
  },
  build: {
    outDir: "dist",
    assetsDir: "assets",
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      // graphiql's packages carry React-compiler directives ("use no memo"); harmless when bundled.
      onwarn(warning, warn) {
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        warn(warning);
      },
      input: {
        main: fileURLToPath(new URL("./index.html", import.meta.url)),
        graphiql: fileURLToPath(new URL("./graphiql.html", import.meta.url)),
      },
    },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
  },
});
