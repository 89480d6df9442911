/**
 * Guest identity: a signed token (JWT, HS256, `jose`) that carries a stable player id and the
 * nickname it was issued for. `POST /auth/guest` hands one out (identity-routes.ts); every room
 * verifies it at matchmaking (`static onAuth`), so a missing, forged or expired token is
 * refused before a seat is reserved. A returning player presents their old token to get a new
 * one with the same player id (and so the same rating), even some time after it expired.
 *
 * Why not `@colyseus/auth`: importing it replaces `Room.onAuth` for every room of the process,
 * and its anonymous endpoint signs whatever claims the client sends (colyseus-seams §0.4, §0.12).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { errors, jwtVerify, SignJWT, type JWTPayload } from "jose";

/** Who a token says its holder is. */
export interface GuestIdentity {
  /** Stable across visits: ratings and history are kept under it. */
  readonly playerId: string;
  /** The nickname the token was issued for (already valid by the shared rule). */
  readonly name: string;
}

/** Why a token was refused: each has its own message, so a client can tell them apart. */
export type TokenProblem = "missing" | "invalid" | "expired";

/** The message each refusal answers with (all HTTP 401). */
export const TOKEN_MESSAGES: Readonly<Record<TokenProblem, string>> = {
  missing: "missing token: get one from POST /auth/guest and send it as a Bearer token",
  invalid: "invalid token: it was not issued by this server",
  expired: "expired token: get a new one from POST /auth/guest",
};

/** A refused token. */
export class TokenError extends Error {
  constructor(readonly problem: TokenProblem) {
    super(TOKEN_MESSAGES[problem]);
    this.name = "TokenError";
  }
}

const ISSUER = "tick-arena";
const AUDIENCE = "tick-arena";
/** A player id is a UUID we issued. */
const PLAYER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Longest token accepted (ours are ~300 bytes): a megabyte token is refused before any work. */
const MAX_TOKEN_LENGTH = 2048;

export interface GuestTokenOptions {
  /** How long a token is valid, in seconds (default 30 days). */
  readonly ttlSeconds?: number;
  /** How long after expiry a token still renews to the same player id (default 180 days). */
  readonly renewSeconds?: number;
  /** Wall clock in ms, for tests. */
  readonly now?: () => number;
}

/** Issues and verifies guest tokens with one secret. */
export class GuestTokens {
  readonly ttlSeconds: number;
  private readonly renewSeconds: number;
  private readonly now: () => number;
  /**
   * The secret imported once as a WebCrypto key: handed raw bytes, jose imports them again on
   * every sign and verify (measured: 165–210 µs of CPU per verify with bytes, 130–155 with the
   * key; every quick play verifies one token).
   */
  private readonly key: Promise<CryptoKey>;

  constructor(secret: Uint8Array, options: GuestTokenOptions = {}) {
    if (secret.byteLength < 32) throw new Error("the token secret must be at least 32 bytes");
    this.ttlSeconds = options.ttlSeconds ?? 30 * 86_400;
    this.renewSeconds = options.renewSeconds ?? 180 * 86_400;
    this.now = options.now ?? Date.now;
    this.key = crypto.subtle.importKey("raw", new Uint8Array(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    // Awaited by every use; a secret WebCrypto refuses must not be an unhandled rejection here.
    this.key.catch(() => undefined);
  }

  /** A new token for `name`, under `playerId` (a new player id when absent). */
  async issue(
    name: string,
    playerId: string = randomUUID(),
  ): Promise<{ token: string; expiresAt: number; playerId: string }> {
    const issuedAt = Math.floor(this.now() / 1000);
    const expiresAt = issuedAt + this.ttlSeconds;
    const token = await new SignJWT({ name })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(playerId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(await this.key);
    return { token, expiresAt: expiresAt * 1000, playerId };
  }

  /** The identity in a valid token; throws {@link TokenError} for a missing, forged or expired one. */
  async verify(token: string | undefined | null): Promise<GuestIdentity> {
    return identityOf(await this.payload(token, 0));
  }

  /**
   * The identity in a token that is valid or expired less than the renewal window ago (for
   * `POST /auth/guest`); throws {@link TokenError} otherwise.
   */
  async renewable(token: string): Promise<GuestIdentity> {
    return identityOf(await this.payload(token, this.renewSeconds));
  }

  private async payload(token: string | undefined | null, toleranceSeconds: number): Promise<JWTPayload> {
    if (token === undefined || token === null || token === "") throw new TokenError("missing");
    if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) throw new TokenError("invalid");
    try {
      const { payload } = await jwtVerify(token, await this.key, {
        algorithms: ["HS256"],
        issuer: ISSUER,
        audience: AUDIENCE,
        clockTolerance: toleranceSeconds,
        currentDate: new Date(this.now()),
      });
      return payload;
    } catch (error) {
      throw new TokenError(error instanceof errors.JWTExpired ? "expired" : "invalid");
    }
  }
}

function identityOf(payload: JWTPayload): GuestIdentity {
  const { sub, name } = payload;
  // Signed by us, so well-formed; checked anyway so a future claim change cannot slip through.
  if (typeof sub !== "string" || !PLAYER_ID.test(sub) || typeof name !== "string") throw new TokenError("invalid");
  return { playerId: sub, name };
}

/**
 * The signing secret: `JWT_SECRET` when set (at least 32 characters), else a random one kept in
 * `<dataDir>/token-secret` (created on first start, owner-only), so tokens survive restarts of
 * the single-process default without any setup. Every process of a cluster must share it.
 */
export function loadTokenSecret(envSecret: string | undefined, dataDir: string): Uint8Array {
  if (envSecret !== undefined && envSecret !== "") {
    if (envSecret.length < 32) throw new Error("JWT_SECRET must be at least 32 characters");
    return new TextEncoder().encode(envSecret);
  }
  const file = path.join(dataDir, "token-secret");
  if (existsSync(file)) {
    const stored = Buffer.from(readFileSync(file, "utf8").trim(), "base64url");
    if (stored.byteLength >= 32) return new Uint8Array(stored);
  }
  mkdirSync(dataDir, { recursive: true });
  const fresh = randomBytes(32);
  writeFileSync(file, fresh.toString("base64url"), { mode: 0o600 });
  chmodSync(file, 0o600);
  return new Uint8Array(fresh);
}
