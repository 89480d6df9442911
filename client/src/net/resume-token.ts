/**
 * Where the browser keeps the reconnection token of its current match, so a page reload resumes
 * the same ship instead of leaving a ghost behind. Per tab (sessionStorage): two tabs are two
 * players. The token changes on every (re)join, so the session saves it each time.
 */

/** Keeps one reconnection token. */
export interface TokenStore {
  load(): string | null;
  save(token: string): void;
  clear(): void;
}

const KEY = "tickArena.reconnectionToken";

/** The tab's sessionStorage, or a store that keeps nothing where there is none (bots, tests). */
export function tabTokenStore(storage: Storage | undefined = globalThis.sessionStorage): TokenStore {
  if (storage === undefined) return { load: () => null, save: () => {}, clear: () => {} };
  return {
    load: () => {
      try {
        return storage.getItem(KEY);
      } catch {
        return null;
      }
    },
    save: (token) => {
      try {
        storage.setItem(KEY, token);
      } catch {
        // Storage full or disabled: a reload then starts a new ship, nothing worse.
      }
    },
    clear: () => {
      try {
        storage.removeItem(KEY);
      } catch {
        // As above.
      }
    },
  };
}
