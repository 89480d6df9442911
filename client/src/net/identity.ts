/**
 * The player's guest identity in the browser: the signed token from `POST /auth/guest`, kept in
 * localStorage so a returning player keeps their player id (and rating) across visits. Every
 * visit renews it (same id, the name now in the field); a token the server no longer accepts
 * is replaced by a new identity.
 */

/** What `POST /auth/guest` answers. */
export interface GuestIdentity {
  readonly token: string;
  readonly playerId: string;
  readonly name: string;
  readonly rating: number | null;
  readonly games: number;
}

const KEY = "tickArena.guestToken";

function stored(storage: Storage | undefined): string | null {
  try {
    return storage?.getItem(KEY) ?? null;
  } catch {
    return null;
  }
}

function keep(storage: Storage | undefined, token: string | null): void {
  try {
    if (token === null) storage?.removeItem(KEY);
    else storage?.setItem(KEY, token);
  } catch {
    // Storage disabled: the player gets a new id next visit, nothing worse.
  }
}

/**
 * A fresh token for `name` (the server generates a name when it is empty), under the player id
 * this browser already has when its token is still renewable. Rejects with a readable Error.
 */
export async function signIn(
  serverUrl: string,
  name: string,
  storage: Storage | undefined = globalThis.localStorage,
): Promise<GuestIdentity> {
  const post = (token: string | null): Promise<Response> =>
    fetch(`${serverUrl.replace(/\/$/, "")}/auth/guest`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify({ name }),
    });
  const previous = stored(storage);
  let res = await post(previous);
  // An old token from another server (or a changed secret): start over with a new identity.
  if (res.status === 401 && previous !== null) {
    keep(storage, null);
    res = await post(null);
  }
  const body = (await res.json().catch(() => ({}))) as Partial<GuestIdentity> & { error?: string };
  if (!res.ok || typeof body.token !== "string") {
    throw new Error(body.error ?? `sign-in failed (HTTP ${res.status})`);
  }
  keep(storage, body.token);
  return {
    token: body.token,
    playerId: String(body.playerId),
    name: String(body.name),
    rating: typeof body.rating === "number" ? body.rating : null,
    games: typeof body.games === "number" ? body.games : 0,
  };
}

/** The token this browser holds, if any (for routes that need one but no new name). */
export function storedToken(storage: Storage | undefined = globalThis.localStorage): string | null {
  return stored(storage);
}
