/**
 * Vite builds the browser client from `client/` into `dist/client`, which the production
 * server serves. Phaser gets a chunk of its own: it is most of the bundle and changes rarely.
 */
import { defineConfig, type Plugin } from "vite";

/**
 * Dev server: an edit to the netcode, the sound engine or shared code reloads the page (a
 * running match holds their old instances; the reload resumes the same ship). Scenes and the
 * render/ui/input modules they import are hot-swapped instead (client/src/game/hot-scenes.ts).
 */
function reloadOnNetEdits(): Plugin {
  return {
    name: "tick-arena:reload-on-net-edits",
    apply: "serve",
    hotUpdate({ file }) {
      if (this.environment.name !== "client") return;
      if (!/[\\/](client[\\/]src[\\/](net|audio)|shared)[\\/]/.test(file)) return;
      this.environment.hot.send({ type: "full-reload" });
      return [];
    },
  };
}

export default defineConfig({
  root: "client",
  publicDir: "public",
  clearScreen: false,
  plugins: [reloadOnNetEdits()],
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
