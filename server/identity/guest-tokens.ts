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
import { createHmac, createSecretKey, randomBytes, randomUUID, timingSafeEqual, type KeyObject } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SignJWT, type JWTPayload } from "jose";

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
   * The secret imported once as a WebCrypto key, for signing (jose). Verifying does not use it:
   * see {@link verifyHs256}.
   */
  private readonly key: Promise<CryptoKey>;
  /** The secret as a node:crypto key object (an HMAC keyed from it: 3–4 µs; from bytes: 16). */
  private readonly secret: KeyObject;

  constructor(secret: Uint8Array, options: GuestTokenOptions = {}) {
    if (secret.byteLength < 32) throw new Error("the token secret must be at least 32 bytes");
    this.ttlSeconds = options.ttlSeconds ?? 30 * 86_400;
    this.renewSeconds = options.renewSeconds ?? 180 * 86_400;
    this.now = options.now ?? Date.now;
    this.secret = createSecretKey(Buffer.from(secret));
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

  private payload(token: string | undefined | null, toleranceSeconds: number): Promise<JWTPayload> {
    if (token === undefined || token === null || token === "") return Promise.reject(new TokenError("missing"));
    if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) return Promise.reject(new TokenError("invalid"));
    const result = verifyHs256(token, this.secret, Math.floor(this.now() / 1000), toleranceSeconds);
    return typeof result === "string" ? Promise.reject(new TokenError(result)) : Promise.resolve(result);
  }
}

/** A JWT's parts: base64url, no padding. */
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Verifies one of our tokens (HS256, issuer and audience "tick-arena") synchronously with
 * node:crypto, to the same rules as jose's `jwtVerify` with `algorithms: ["HS256"]`, our issuer
 * and audience and `clockTolerance`: signature first (a header whose `alg` is not HS256, or with
 * `crit` or `b64`, is refused), then `iss`, `aud`, `iat` (a number when present), `nbf` (refused
 * when nbf > now + tolerance), `exp` (expired when exp ≤ now − tolerance).
 *
 * Why not jose here: its verify goes through WebCrypto, an asynchronous job per call: 71–83 µs
 * of CPU per verify, against 6.5 µs here (`npx tsx bench/micro/token-verify.ts`), and every quick
 * play verifies a token twice (at matchmaking, and again when the room socket joins). Issuing
 * stays with jose.
 * `test/unit/server/guest-token-verify.test.ts` holds this to jose's answers token by token.
 */
export function verifyHs256(
  token: string,
  secret: KeyObject | Buffer,
  nowSeconds: number,
  toleranceSeconds: number,
): JWTPayload | "invalid" | "expired" {
  const first = token.indexOf(".");
  const second = first < 0 ? -1 : token.indexOf(".", first + 1);
  if (first <= 0 || second <= first + 1 || second === token.length - 1 || token.indexOf(".", second + 1) >= 0) {
    return "invalid";
  }
  const headerPart = token.slice(0, first);
  const payloadPart = token.slice(first + 1, second);
  const signaturePart = token.slice(second + 1);
  if (!BASE64URL.test(headerPart) || !BASE64URL.test(payloadPart) || !BASE64URL.test(signaturePart)) return "invalid";
  const header = parseJsonObject(headerPart);
  if (header === null || header["alg"] !== "HS256" || "crit" in header || "b64" in header) return "invalid";
  const expected = createHmac("sha256", secret).update(token.slice(0, second)).digest();
  const signature = Buffer.from(signaturePart, "base64url");
  if (signature.byteLength !== expected.byteLength || !timingSafeEqual(signature, expected)) return "invalid";

  const payload = parseJsonObject(payloadPart) as JWTPayload | null;
  if (payload === null) return "invalid";
  // In jose's order: issuer and audience, then the dates.
  const { exp, nbf, iat, iss, aud } = payload;
  if (iss !== ISSUER) return "invalid";
  if (aud !== AUDIENCE && !(Array.isArray(aud) && aud.includes(AUDIENCE))) return "invalid";
  if (iat !== undefined && typeof iat !== "number") return "invalid";
  if (nbf !== undefined && (typeof nbf !== "number" || nbf > nowSeconds + toleranceSeconds)) return "invalid";
  if (exp !== undefined) {
    if (typeof exp !== "number") return "invalid";
    if (exp <= nowSeconds - toleranceSeconds) return "expired";
  }
  return payload;
}

/** A base64url part decoded as a JSON object, or null. */
function parseJsonObject(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
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
