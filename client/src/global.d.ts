/** Globals of the browser client. */
import type { TickArenaHook } from "./test-hook.ts";

declare global {
  interface Window {
    /** Read-only view for end-to-end tests; see `test-hook.ts`. */
    __tickArena?: TickArenaHook;
  }

  interface ImportMetaEnv {
    /** Game server URL (http or https); defaults to the page origin, or port 2567 under `vite dev`. */
    readonly VITE_SERVER_URL?: string;
    /** Under `npm run dev`: the game server's port (the `PORT` the dev command was given). */
    readonly VITE_GAME_PORT?: string;
  }
}

export {};
