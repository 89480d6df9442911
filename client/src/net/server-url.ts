/**
 * Where the game server is. In production the server serves the client, so it is the page's
 * own origin; under Vite's dev server the game server runs beside it on the port `npm run dev`
 * gave it (`PORT`, passed to the page as `VITE_GAME_PORT`), else the default port.
 */
import { DEFAULT_PORT } from "../../../shared/constants.ts";

/** The parts of `import.meta.env` that matter here. */
export interface ServerUrlEnv {
  readonly VITE_SERVER_URL?: string | undefined;
  readonly VITE_GAME_PORT?: string | undefined;
  readonly DEV: boolean;
}

/** The parts of `window.location` that matter here. */
export interface PageLocation {
  readonly protocol: string;
  readonly hostname: string;
  readonly origin: string;
}

/** Picks the server URL: explicit setting, else the dev server's neighbour, else the page origin. */
export function resolveServerUrl(env: ServerUrlEnv, location: PageLocation): string {
  const explicit = env.VITE_SERVER_URL?.trim();
  if (explicit) return explicit.replace(/\/+$/, "");
  if (env.DEV) {
    // `location.hostname` keeps the brackets of an IPv6 literal; add them if a caller did not.
    const h = location.hostname;
    const host = h.includes(":") && !h.startsWith("[") ? `[${h}]` : h;
    const port = /^\d{1,5}$/.test(env.VITE_GAME_PORT ?? "") ? env.VITE_GAME_PORT : String(DEFAULT_PORT);
    return `${location.protocol}//${host}:${port}`;
  }
  return location.origin;
}

/** The server URL for this page. */
export function serverUrl(): string {
  return resolveServerUrl(import.meta.env, window.location);
}
