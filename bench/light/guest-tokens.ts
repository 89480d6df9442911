/**
 * Guest tokens for load and test clients. Every arena join needs one: a client gets it from
 * `POST /auth/guest` (the browser does that at the menu, before it matchmakes) and sends it as
 * `Authorization: Bearer <token>` on its matchmaking request.
 *
 * A load run fetches its tokens before it starts measuring ({@link fetchGuestTokens}): the token
 * request is not part of a player's time to seat, and must not add HTTP load to a ramp being
 * measured. One token per client, so every simulated player has its own player id as real
 * players do; a token is a reusable bearer token (valid for days), so a run that joins more
 * clients than it fetched tokens for (rejoins after a failed join) reuses them round-robin.
 */
import { endpointSettings, guestTokenUrl } from "./colyseus-protocol.ts";

/** What `POST /auth/guest` answers (the fields a load client reads). */
export interface GuestTokenAnswer {
  readonly token: string;
  readonly playerId: string;
  readonly name: string;
}

/** Attempts per token when the server answers 429 (it says when to come back). */
const MAX_ATTEMPTS = 5;
/** Longest wait a 429's Retry-After may ask for before we give up, seconds. */
const MAX_RETRY_AFTER_SECONDS = 10;

/**
 * One guest token from the server at `baseUrl` (named `name` when given; the server makes up a
 * nickname otherwise). Waits out a 429 a few times; rejects with a readable error otherwise.
 */
export async function fetchGuestToken(
  baseUrl: string,
  options: { readonly name?: string; readonly timeoutMs?: number } = {},
): Promise<GuestTokenAnswer> {
  const url = guestTokenUrl(endpointSettings(baseUrl));
  const body = JSON.stringify(options.name === undefined ? {} : { name: options.name });
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(url, {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const json: unknown = await response.json().catch(() => null);
    const retryAfter = Number(response.headers.get("retry-after"));
    if (
      response.status === 429 &&
      attempt < MAX_ATTEMPTS &&
      Number.isFinite(retryAfter) &&
      retryAfter <= MAX_RETRY_AFTER_SECONDS
    ) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, retryAfter) * 1000));
      continue;
    }
    const answer = (json ?? {}) as Partial<GuestTokenAnswer> & { error?: unknown };
    if (!response.ok || typeof answer.token !== "string") {
      throw new Error(`POST /auth/guest failed (${response.status}): ${String(answer.error ?? response.statusText)}`);
    }
    return { token: answer.token, playerId: String(answer.playerId), name: String(answer.name) };
  }
}

/**
 * `count` guest tokens (distinct player ids), `concurrency` requests at a time. Call it before
 * a measured run starts; a failed request fails the whole batch.
 */
export async function fetchGuestTokens(
  baseUrl: string,
  count: number,
  options: { readonly concurrency?: number } = {},
): Promise<string[]> {
  const tokens = new Array<string>(Math.max(0, count));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tokens.length) {
      const i = next++;
      tokens[i] = (await fetchGuestToken(baseUrl)).token;
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 16, tokens.length));
  await Promise.all(Array.from({ length: workers }, () => worker()));
  return tokens;
}

/** The token of client `index` from a prefetched list (round-robin), or null when it is empty. */
export function tokenFor(tokens: readonly string[], index: number): string | null {
  if (tokens.length === 0) return null;
  return tokens[((index % tokens.length) + tokens.length) % tokens.length]!;
}
