/**
 * Guards the HTTP side of the server: the matchmaking routes, the WebSocket upgrade and the
 * client address every limit is keyed by.
 *
 * Colyseus answers `POST /matchmake/:method/:roomName` from its own router, before express
 * middleware runs, and reads the body whole at any size. Its router's `onRequest` hook runs
 * before the body is read, so that is where we cap the body, rate-limit, and validate the
 * join options. A screened request is then answered right there, through the matchmaker's own
 * `invokeMethod` (the `matchmake` option, as app.ts wires it); without that option it goes on
 * to Colyseus carrying only the validated options. Either way Colyseus's 52x matchmaking codes
 * become the 4xx they mean (`onResponse` for Colyseus's answers).
 */
import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { Duplex } from "node:stream";
import type { FaultLog } from "../log/fault-log.ts";
import type { ServerLimits } from "./limits.ts";
import { KeyedRateLimiter } from "./rate-limiter.ts";
import { logger } from "../log/logger.ts";

/** Validates a room's join options; returns the clean options or a readable error. */
export type OptionsValidator = (
  body: unknown,
  method: string,
) => { ok: true; value: object } | { ok: false; error: string };

/** Matchmaking methods that name a room type, and the ones that name a room id. */
const BY_ROOM_NAME = new Set(["joinOrCreate", "create", "join"]);
const BY_ROOM_ID = new Set(["joinById", "reconnect"]);
/** Room ids and reconnection tokens are Colyseus `generateId()` strings. */
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Colyseus's matchmaking error codes (shared-types ErrorCode) and the HTTP status each means.
 * 523 (unhandled) and 526 (application error) are our faults and stay 5xx (as 500).
 */
const MATCHMAKE_STATUS: Readonly<Record<number, number>> = {
  520: 404, // no handler: unknown room type or method
  521: 404, // no room matches the criteria
  522: 404, // unknown or disposed room id
  523: 500,
  524: 410, // seat or reconnection token expired or already used
  525: 401, // onAuth refused
  526: 500,
};

export interface HttpGuardOptions {
  readonly limits: ServerLimits;
  /** Join-option validators by room type; a type not listed here is unknown (404). */
  readonly validators: Readonly<Record<string, OptionsValidator>>;
  /** Validates `joinById` options (the room's type is not in the URL). */
  readonly byIdValidator: OptionsValidator;
  readonly faults: FaultLog;
  /** Rooms on this process now. */
  readonly roomCount: () => number;
  /** True while the process drains (SIGTERM): it hands out no seats. */
  readonly draining?: () => boolean;
  /**
   * Answers a screened matchmaking request itself (Colyseus's `invokeMethod`, as its own
   * endpoint would call it), so the request skips a second pass through Colyseus's router. Absent:
   * the screened request goes on to Colyseus.
   */
  readonly matchmake?: (method: string, roomName: string, options: object, request: Request) => Promise<unknown>;
}

/** What a matchmaking request hears from a draining process (nginx then tries a sibling). */
export const DRAINING_MESSAGE = "this server is shutting down; try again";

/** What a client hears when the process holds `maxRooms` rooms. */
export const ROOM_LIMIT_MESSAGE = "this server holds all the rooms it can; try again later";

/** Where a request's client address is carried once `installAddressHeader` ran. */
export const ADDRESS_HEADER = "x-real-ip";

/** The HTTP guard: router hooks for Colyseus, the upgrade check, and address tracking. */
export class HttpGuard {
  private readonly matchmake: KeyedRateLimiter;
  private readonly create: KeyedRateLimiter;
  private readonly sockets = new Map<string, number>();

  constructor(private readonly options: HttpGuardOptions) {
    const { limits } = options;
    this.matchmake = new KeyedRateLimiter({ perKey: limits.matchmakePerAddress, global: limits.matchmakeGlobal });
    this.create = new KeyedRateLimiter({ perKey: limits.createPerAddress, global: limits.createGlobal });
  }

  /**
   * Makes `X-Real-IP` the one address header, for Colyseus and for us: behind a trusted proxy
   * its value is kept (the proxy overwrote it), otherwise it becomes the socket's address.
   * Added after Colyseus bound its routes, as the first listener, so everything after sees it.
   * Also counts open WebSocket connections per address.
   */
  install(server: HttpServer): void {
    const setAddress = (req: IncomingMessage): string => {
      const address = this.addressOf(req);
      req.headers[ADDRESS_HEADER] = address;
      delete req.headers["x-forwarded-for"];
      delete req.headers["x-client-ip"];
      return address;
    };
    server.prependListener("request", setAddress);
    server.prependListener("upgrade", (req: IncomingMessage, socket: Duplex) => {
      const address = setAddress(req);
      this.sockets.set(address, (this.sockets.get(address) ?? 0) + 1);
      socket.once("close", () => {
        const left = (this.sockets.get(address) ?? 1) - 1;
        if (left <= 0) this.sockets.delete(address);
        else this.sockets.set(address, left);
      });
    });
    server.maxConnections = this.options.limits.maxConnections;
    server.headersTimeout = this.options.limits.headersTimeoutMs;
    server.requestTimeout = this.options.limits.headersTimeoutMs + 5000;
  }

  /** The client address of a request: the proxy's header when trusted, else the socket's. */
  addressOf(req: IncomingMessage): string {
    if (this.options.limits.trustProxy) {
      const header = req.headers[ADDRESS_HEADER];
      const value = (Array.isArray(header) ? header[0] : header)?.split(",")[0]?.trim();
      if (value) return value;
    }
    return normalizeAddress(req.socket.remoteAddress);
  }

  /**
   * `beforeUpgrade` for the WebSocket transport: refuses an address over its connection limit
   * with 429 before the WebSocket handshake. The count includes this connection.
   */
  beforeUpgrade = (context: { ip?: string }): Response | undefined => {
    const address = context.ip ?? "unknown";
    const open = this.sockets.get(address) ?? 0;
    if (open <= this.options.limits.maxConnectionsPerAddress) return undefined;
    this.options.faults.report({ kind: "connection-limit", offender: address, detail: `${open} open` });
    return jsonError(429, "too many connections from this address", { "Retry-After": "5" });
  };

  /** The matchmaking rate limit for one request of the other API routes (player-api.ts). */
  limitRequest = (address: string): { ok: true } | { ok: false; retryAfterSeconds: number } => {
    if (this.matchmake.take(address) === null) return { ok: true };
    return { ok: false, retryAfterSeconds: this.matchmake.retryAfterSeconds(address) };
  };

  /** Colyseus router `onRequest`: everything about a matchmaking request before Colyseus reads it. */
  onRequest = async (request: Request): Promise<Response | Request | undefined> => {
    // Colyseus's router runs this hook outside its own error handling: an exception here would
    // leave the request unanswered and reject a promise nobody awaits.
    try {
      return await this.screen(request);
    } catch (error) {
      logger.error({ event: "http-guard-error", error: String(error) });
      return jsonError(500, "internal error");
    }
  };

  private async screen(request: Request): Promise<Response | Request | undefined> {
    const url = new URL(request.url);
    if (!url.pathname.startsWith("/matchmake/")) return undefined;
    const address = request.headers.get(ADDRESS_HEADER) ?? "unknown";
    const refuse = (status: number, error: string, kind: string, headers?: Record<string, string>): Response => {
      this.options.faults.report({ kind, offender: address, detail: `${request.method} ${url.pathname}: ${error}` });
      return jsonError(status, error, headers);
    };

    // Before anything else: a draining process seats nobody (503 lets nginx try a sibling).
    if (this.options.draining?.() === true) {
      return jsonError(503, DRAINING_MESSAGE, { "Retry-After": "1" });
    }
    const limited = this.matchmake.take(address);
    if (limited !== null) {
      const retry = String(this.matchmake.retryAfterSeconds(address));
      return refuse(429, "too many matchmaking requests; slow down", `matchmake-rate-${limited}`, {
        "Retry-After": retry,
      });
    }
    const [, , method = "", target = "", ...rest] = url.pathname.split("/");
    if (request.method !== "POST" || rest.length > 0) {
      return refuse(404, `no such route: ${request.method} ${url.pathname}`, "matchmake-route");
    }
    const byName = BY_ROOM_NAME.has(method);
    if (!byName && !BY_ROOM_ID.has(method)) {
      return refuse(404, `unknown matchmaking method "${method.slice(0, 32)}"`, "matchmake-route");
    }
    // Own keys only: "__proto__" or "constructor" must not pass for a room type.
    const validate =
      byName && Object.hasOwn(this.options.validators, target) ? this.options.validators[target] : undefined;
    if (byName && validate === undefined)
      return refuse(404, `unknown room type "${target.slice(0, 32)}"`, "matchmake-route");
    if (!byName && !ID_PATTERN.test(target)) return refuse(404, "unknown room", "matchmake-route");

    if (method === "create") {
      const createLimited = this.create.take(address);
      if (createLimited !== null) {
        const retry = String(this.create.retryAfterSeconds(address));
        return refuse(429, "too many rooms created; slow down", `create-rate-${createLimited}`, {
          "Retry-After": retry,
        });
      }
      // joinOrCreate may create too: the room's onCreate holds the same limit (ArenaRoom).
      if (this.options.roomCount() >= this.options.limits.maxRooms) {
        return refuse(503, ROOM_LIMIT_MESSAGE, "room-limit", ROOM_LIMIT_HEADERS);
      }
    }

    const body = await readBoundedJson(request, this.options.limits.maxBodyBytes);
    if (!body.ok) {
      const close: Record<string, string> = body.status === 413 ? { Connection: "close" } : {};
      return refuse(body.status, body.error, "matchmake-body", close);
    }
    let clean: object;
    const validator = validate ?? (method === "joinById" ? this.options.byIdValidator : undefined);
    if (validator !== undefined) {
      const result = validator(body.value, method);
      if (!result.ok) return refuse(400, result.error, "join-options");
      clean = result.value;
    } else if (method === "reconnect") {
      const token = isRecord(body.value) ? body.value["reconnectionToken"] : undefined;
      if (typeof token !== "string" || !TOKEN_PATTERN.test(token)) {
        return refuse(400, "reconnectionToken must be the token the room gave you", "reconnect-body");
      }
      clean = { reconnectionToken: token };
    } else {
      if (!isRecord(body.value)) return refuse(400, "join options must be a JSON object", "matchmake-body");
      clean = body.value;
    }
    if (this.options.matchmake !== undefined) return this.answer(method, target, clean, request);
    const headers = new Headers(request.headers);
    headers.set("content-type", "application/json");
    headers.delete("content-length");
    headers.delete("transfer-encoding");
    return new Request(request.url, { method: "POST", headers, body: JSON.stringify(clean) });
  }

  /**
   * The answer Colyseus's matchmaking endpoint gives (`default_routes.ts` of @colyseus/core
   * 0.18.17: the seat reservation as JSON, or `{ code, error }` with the error's code as status),
   * with its 52x codes turned into the statuses `onResponse` gives them.
   *
   * Why not let Colyseus answer: that costs a second web `Request` (this guard's, carrying the
   * clean options), a second body parse, routing and an endpoint context per quick play; answering
   * here cut the server's CPU per quick play (numbers in docs/DEPLOY.md).
   */
  private async answer(method: string, roomName: string, options: object, request: Request): Promise<Response> {
    try {
      const reservation = await this.options.matchmake!(method, roomName, options, request);
      const json = JSON.stringify(reservation);
      return new Response(json, {
        headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(json)) },
      });
    } catch (error) {
      const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
      const message = error instanceof Error && error.message !== "" ? error.message : "matchmaking failed";
      const status =
        typeof code === "number"
          ? (MATCHMAKE_STATUS[code] ?? (Number.isInteger(code) && code >= 400 && code <= 599 ? code : 500))
          : 500;
      return roomLimitOr(status, message);
    }
  }

  /** Colyseus router `onResponse`: matchmaking errors as the 4xx they mean, never 52x. */
  onResponse = async (response: Response): Promise<Response | undefined> => {
    const status = MATCHMAKE_STATUS[response.status];
    if (status === undefined) return undefined;
    const text = await response.text().catch(() => "");
    let error = "matchmaking failed";
    try {
      const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
      if (typeof parsed.error === "string" && parsed.error !== "") error = parsed.error;
      else if (typeof parsed.message === "string" && parsed.message !== "") error = parsed.message;
    } catch {
      // Keep the generic message.
    }
    return roomLimitOr(status, error);
  };
}

/**
 * `MAX_ROOMS` reached: try again in 10 s. Said by `create` here, and by `joinOrCreate`, whose
 * room refuses to open (`onCreate` throws `ROOM_LIMIT_MESSAGE` with 503) when it had to create.
 */
const ROOM_LIMIT_HEADERS: Readonly<Record<string, string>> = { "Retry-After": "10" };

/**
 * A matchmaking error answer; the room limit's is always 503 with `Retry-After`. Matched on its
 * message: a room that refused to open on another process comes back over Colyseus's IPC as a
 * message without its code (`IPC.ts` of @colyseus/core 0.18.17), which would read as a 500.
 */
function roomLimitOr(status: number, error: string): Response {
  if (error === ROOM_LIMIT_MESSAGE) return jsonError(503, error, { ...ROOM_LIMIT_HEADERS });
  return jsonError(status, error);
}

/** A JSON error answer `{ error, code }`, the shape the SDK reads. */
export function jsonError(status: number, error: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error, code: status }, { status, headers: { "Cache-Control": "no-store", ...headers } });
}

/** "::ffff:127.0.0.1" and "127.0.0.1" are one client. */
function normalizeAddress(address: string | undefined): string {
  if (address === undefined) return "unknown";
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

type BodyResult = { ok: true; value: unknown } | { ok: false; status: number; error: string };

/**
 * Reads a JSON body of at most `max` bytes, whatever the request says its length is: a
 * declared length over the cap is refused before reading, and a chunked body is cut off at the
 * cap. An empty body is `{}` (the SDK sends `{}` for no options).
 */
async function readBoundedJson(request: Request, max: number): Promise<BodyResult> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > max) {
    return { ok: false, status: 413, error: `request body over ${max} bytes` };
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body !== null) {
    const reader = request.body.getReader();
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        return { ok: false, status: 400, error: "the request body could not be read" };
      }
      const { done, value } = chunk;
      if (done) break;
      size += value.byteLength;
      // Stop reading; the answer closes the connection, and Node discards the rest.
      if (size > max) return { ok: false, status: 413, error: `request body over ${max} bytes` };
      chunks.push(value);
    }
  }
  if (size === 0) return { ok: true, value: {} };
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, status: 400, error: "request body is not valid JSON" };
  }
}
