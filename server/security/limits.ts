/**
 * Every bound the server holds clients to, in one place, with production defaults. Operators
 * change them with environment variables (see config.ts and the README); tests and the
 * benchmark raise the per-address rates, since all their clients come from 127.0.0.1.
 */
import type { RateLimit } from "./rate-limiter.ts";

export interface ServerLimits {
  /**
   * Take the client address from `X-Real-IP` (set by a reverse proxy such as nginx) instead of
   * the socket. Only behind a proxy that overwrites the header: otherwise clients choose it.
   */
  readonly trustProxy: boolean;
  /** Matchmaking requests (every method) per client address. */
  readonly matchmakePerAddress: RateLimit;
  /** Matchmaking requests of all addresses together. */
  readonly matchmakeGlobal: RateLimit;
  /** `create` requests (each makes a room) per client address. */
  readonly createPerAddress: RateLimit;
  /** `create` requests of all addresses together. */
  readonly createGlobal: RateLimit;
  /** Rooms one process holds; matchmaking that needs another answers 503. */
  readonly maxRooms: number;
  /** Open WebSocket connections per client address; more are refused with 429. */
  readonly maxConnectionsPerAddress: number;
  /** Open TCP connections of the whole process (Node drops the ones beyond). */
  readonly maxConnections: number;
  /** Largest matchmaking request body, in bytes (413 beyond). */
  readonly maxBodyBytes: number;
  /** Largest HTTP request head, in bytes (Node answers 431 beyond). */
  readonly maxHeaderBytes: number;
  /** Time a client has to send a whole HTTP request head, in ms (408 beyond). */
  readonly headersTimeoutMs: number;
  /** Bytes queued for one client's socket before it is cut: a reader that stopped reading. */
  readonly maxOutboundBufferBytes: number;
  /** Time a seated client has to acknowledge the join, in ms; then its socket is closed. */
  readonly joinAckTimeoutMs: number;
  /** Time a reserved seat waits for its WebSocket, in seconds (Colyseus's default is 15). */
  readonly seatReservationSeconds: number;
}

/**
 * Production defaults. Per-address limits are generous because many players can share one
 * address (carrier-grade NAT, schools, a party on one Wi-Fi, 500 quick plays from one test
 * machine); the global limits and the room cap are what protect the process. Room creation by
 * `create` (private rooms) is the tight one: quick play fills existing rooms first.
 */
export const DEFAULT_LIMITS: ServerLimits = {
  trustProxy: false,
  matchmakePerAddress: { perSecond: 10, burst: 600 },
  matchmakeGlobal: { perSecond: 1000, burst: 2000 },
  createPerAddress: { perSecond: 0.5, burst: 10 },
  createGlobal: { perSecond: 20, burst: 100 },
  maxRooms: 500,
  maxConnectionsPerAddress: 1000,
  maxConnections: 20_000,
  maxBodyBytes: 4096,
  maxHeaderBytes: 8192,
  headersTimeoutMs: 10_000,
  maxOutboundBufferBytes: 256 * 1024,
  joinAckTimeoutMs: 10_000,
  seatReservationSeconds: 10,
};
