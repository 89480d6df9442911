/**
 * Vite builds the browser client from `client/` into `dist/client`, which the production
 * server serves. Phaser gets a chunk of its own: it is most of the bundle and changes rarely.
 */
import { defineConfig } from "vite";

export default defineConfig({
  root: "client",
  publicDir: "public",
  clearScreen: false,
  build: {
    outDir: "../dist/client",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 1600,
    rolldownOptions: {
      output: {
        manualChunks: (id: string) => (id.includes("node_modules/phaser") ? "phaser" : undefined),
      },
    },
  },
  server: {
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
  },
});
