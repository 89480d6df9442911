/**
 * Server configuration from the environment, validated once at start-up. Every setting has a
 * default, so `npm start` runs with none set.
 */
import { z } from "zod";
import {
  DEFAULT_MATCH_SECONDS,
  DEFAULT_PORT,
  DEFAULT_TICK_RATE,
  LAG_COMPENSATION_MS,
  MAX_TICK_RATE,
  MIN_TICK_RATE,
  RESULTS_SECONDS,
} from "../shared/constants.ts";
import type { ArenaMap } from "../shared/map.ts";
import { DEFAULT_LIMITS, type ServerLimits } from "./security/limits.ts";

const d = DEFAULT_LIMITS;

/**
 * Seconds a process keeps serving after SIGTERM/SIGINT with `/healthz` and matchmaking at 503
 * (`DRAIN_SECONDS`): a proxy that retries on 503 moves on and a frequent `/healthz` probe sees
 * it draining before the port closes, while a deploy (and a client waiting for its 4001) waits
 * only 2 s. Raise it for probes that poll less often.
 */
export const DEFAULT_DRAIN_SECONDS = 2;
/** The longest drain window `DRAIN_SECONDS` accepts. */
export const MAX_DRAIN_SECONDS = 600;

/**
 * A number setting where an empty value (`PORT=` in a shell or a .env file) means unset, the
 * default: `Number("")` would read it as 0 (and PORT 0 binds a random port).
 */
const num = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema);
const rate = (fallback: number) => num(z.coerce.number().positive().max(1_000_000).default(fallback));
const count = (fallback: number) => num(z.coerce.number().int().min(1).max(10_000_000).default(fallback));

const envSchema = z.object({
  PORT: num(z.coerce.number().int().min(0).max(65535).default(DEFAULT_PORT)),
  HOST: z.string().min(1).default("0.0.0.0"),
  TICK_RATE: num(z.coerce.number().int().min(MIN_TICK_RATE).max(MAX_TICK_RATE).default(DEFAULT_TICK_RATE)),
  MATCH_SECONDS: num(z.coerce.number().positive().max(86_400).default(DEFAULT_MATCH_SECONDS)),
  RESULTS_SECONDS: num(z.coerce.number().positive().max(600).default(RESULTS_SECONDS)),
  MIN_PLAYERS: num(z.coerce.number().int().min(1).max(16).default(2)),
  MAP: z.enum(["standard", "large"]).default("standard"),
  ROOM_PLAYERS: num(z.coerce.number().int().min(2).max(64).default(64)),
  LAG_COMPENSATION_MS: num(z.coerce.number().int().min(0).max(1000).default(LAG_COMPENSATION_MS)),
  STATIC_DIR: z.string().optional(),
  TRUST_PROXY: z.enum(["0", "1", "true", "false"]).default("0"),
  MATCHMAKE_RATE_PER_ADDRESS: rate(d.matchmakePerAddress.perSecond),
  MATCHMAKE_BURST_PER_ADDRESS: count(d.matchmakePerAddress.burst),
  MATCHMAKE_RATE_GLOBAL: rate(d.matchmakeGlobal.perSecond),
  CREATE_RATE_PER_ADDRESS: rate(d.createPerAddress.perSecond),
  CREATE_BURST_PER_ADDRESS: count(d.createPerAddress.burst),
  CREATE_RATE_GLOBAL: rate(d.createGlobal.perSecond),
  MAX_ROOMS: count(d.maxRooms),
  MAX_CONNECTIONS_PER_ADDRESS: count(d.maxConnectionsPerAddress),
  MAX_CONNECTIONS: count(d.maxConnections),
  DATA_DIR: z.string().min(1).optional(),
  JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  DATABASE_URL: z.string().min(1).optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
    .optional(),
  PUBLIC_ADDRESS: z
    .string()
    .regex(/^[^\s/:]+(:\d+)?(\/[\w.~-]+)*$/, "must be host[:port][/path], no scheme")
    .optional(),
  ADMIN_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  DRAIN_SECONDS: num(z.coerce.number().min(0).max(MAX_DRAIN_SECONDS).default(DEFAULT_DRAIN_SECONDS)),
  QUICK_PLAY_MATCHMAKER: z.enum(["spread", "colyseus"]).default("spread"),
  MONITOR_USER: z.string().min(1).max(64).default("admin"),
  MONITOR_PASSWORD: z.string().min(1).optional(),
  NODE_ENV: z.string().optional(),
});

/**
 * V8 flags every production server process starts with: `npm start` (package.json's start
 * script repeats them; test/unit/server/node-flags.test.ts keeps the two equal), each process
 * of `npm run start:cluster`, and every server `npm run bench` measures.
 *
 * `--max-semi-space-size=32`: left to itself, Node 24 lets the young generation grow to 64 MB
 * semi-spaces and beyond under this server's allocation rate (the flag at 64 measured the same
 * as none). Capped at 32 MB, an interleaved A/B at 750 CCU (10 rounds, docs/PERFORMANCE.md)
 * measured RSS per client 145 → 86 KB, probe p99 patch interval 81.5 → 67.8 ms (medians) and
 * server CPU 81 → 79 % (noise); at 16 MB the p99 was worse again.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=32"];

/**
 * Settings for load from one address (tests, bots, the benchmark: every client is 127.0.0.1):
 * the per-address limits raised to load-test levels, or the run would measure the limiter.
 */
export const LOOPBACK_LOAD_ENV: Readonly<Record<string, string>> = {
  MATCHMAKE_RATE_PER_ADDRESS: "5000",
  MATCHMAKE_BURST_PER_ADDRESS: "10000",
  MATCHMAKE_RATE_GLOBAL: "5000",
  CREATE_RATE_PER_ADDRESS: "1000",
  CREATE_BURST_PER_ADDRESS: "1000",
  CREATE_RATE_GLOBAL: "1000",
  MAX_CONNECTIONS_PER_ADDRESS: "100000",
};

/** Everything the game server needs to start. */
export interface ServerConfig {
  port: number;
  host: string;
  tickRate: number;
  matchSeconds: number;
  resultsSeconds: number;
  /** Pilots needed to start a match (`MIN_PLAYERS`, default 2): fewer warm up. Absent: 1. */
  minPlayers?: number;
  /** How far back shots rewind their targets (`LAG_COMPENSATION_MS`, default 500; 0: off). */
  lagCompensationMs?: number;
  /** Quick play's arena (`MAP`): "standard" (16 pilots) or "large" (interest-managed). */
  quickPlayMap?: "standard" | "large";
  /** Pilot cap of large rooms (`ROOM_PLAYERS`, 2–64, default 64). */
  largeRoomPlayers?: number;
  /** Folder of the built client to serve, or null to serve only the game API. */
  staticDir: string | null;
  /** Fixed world seed for every room (tests); random per room when absent. */
  seed?: number;
  /** Another arena layout, for tests only (clients always draw the standard map). */
  map?: ArenaMap;
  /** Print the Colyseus banner on start. */
  greet?: boolean;
  /** The bounds clients are held to; production defaults when absent. */
  limits?: ServerLimits;
  /**
   * Where the embedded store and the token secret live (`DATA_DIR`); a fresh temporary
   * folder when absent (tests).
   */
  dataDir?: string;
  /** Token signing secret (`JWT_SECRET`); generated and kept in `dataDir` when absent. */
  jwtSecret?: string;
  /** PostgreSQL for ratings (`DATABASE_URL`); the embedded SQLite file when absent. */
  databaseUrl?: string;
  /**
   * Redis shared with sibling processes (`REDIS_URL`): Colyseus's Redis presence and driver.
   * Absent: one process, nothing outside it.
   */
  redisUrl?: string;
  /** Where clients reach this process's rooms (`PUBLIC_ADDRESS`, `host[:port][/path]`). */
  publicAddress?: string;
  /** Bearer token of the operator's routes (`ADMIN_TOKEN`); absent: those routes are off. */
  adminToken?: string;
  /**
   * How quick play seats a burst (`QUICK_PLAY_MATCHMAKER`): "spread" (default,
   * server/matchmaking/quick-play.ts) or "colyseus" (Colyseus's own joinOrCreate, kept for
   * `npm run bench:cluster`'s comparison).
   */
  quickPlayMatchmaker?: "spread" | "colyseus";
  /**
   * Seconds `server/main.ts` keeps serving after the first SIGTERM/SIGINT, draining (`/healthz`
   * and matchmaking answer 503, seated players play on), before it stops (`DRAIN_SECONDS`,
   * default 2; 0: stop at once). Embedders call `drain()` and `stop()` themselves.
   */
  drainSeconds?: number;
  /**
   * `@colyseus/monitor` at /monitor/ behind basic auth (`MONITOR_USER`, `MONITOR_PASSWORD`);
   * absent: no monitor. `production`: a weak password refuses to start.
   */
  monitor?: { user: string; password: string; production: boolean };
}

/** Reads the configuration from environment variables; throws a readable error on bad values. */
export function configFromEnv(
  env: NodeJS.ProcessEnv,
  defaultStaticDir: string | null,
  defaultDataDir?: string,
): ServerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid environment:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    tickRate: e.TICK_RATE,
    matchSeconds: e.MATCH_SECONDS,
    resultsSeconds: e.RESULTS_SECONDS,
    minPlayers: e.MIN_PLAYERS,
    lagCompensationMs: e.LAG_COMPENSATION_MS,
    quickPlayMap: e.MAP,
    largeRoomPlayers: e.ROOM_PLAYERS,
    // STATIC_DIR="" serves no client (the dev server does that); unset serves the build.
    staticDir: e.STATIC_DIR === undefined ? defaultStaticDir : e.STATIC_DIR === "" ? null : e.STATIC_DIR,
    ...(e.DATA_DIR !== undefined || defaultDataDir !== undefined ? { dataDir: e.DATA_DIR ?? defaultDataDir } : {}),
    ...(e.JWT_SECRET !== undefined ? { jwtSecret: e.JWT_SECRET } : {}),
    ...(e.DATABASE_URL !== undefined ? { databaseUrl: e.DATABASE_URL } : {}),
    ...(e.REDIS_URL !== undefined ? { redisUrl: e.REDIS_URL } : {}),
    ...(e.PUBLIC_ADDRESS !== undefined ? { publicAddress: e.PUBLIC_ADDRESS } : {}),
    ...(e.ADMIN_TOKEN !== undefined ? { adminToken: e.ADMIN_TOKEN } : {}),
    quickPlayMatchmaker: e.QUICK_PLAY_MATCHMAKER,
    drainSeconds: e.DRAIN_SECONDS,
    ...(e.MONITOR_PASSWORD !== undefined
      ? { monitor: { user: e.MONITOR_USER, password: e.MONITOR_PASSWORD, production: e.NODE_ENV === "production" } }
      : {}),
    limits: {
      ...DEFAULT_LIMITS,
      trustProxy: e.TRUST_PROXY === "1" || e.TRUST_PROXY === "true",
      matchmakePerAddress: { perSecond: e.MATCHMAKE_RATE_PER_ADDRESS, burst: e.MATCHMAKE_BURST_PER_ADDRESS },
      matchmakeGlobal: { perSecond: e.MATCHMAKE_RATE_GLOBAL, burst: Math.ceil(2 * e.MATCHMAKE_RATE_GLOBAL) },
      createPerAddress: { perSecond: e.CREATE_RATE_PER_ADDRESS, burst: e.CREATE_BURST_PER_ADDRESS },
      createGlobal: { perSecond: e.CREATE_RATE_GLOBAL, burst: Math.ceil(5 * e.CREATE_RATE_GLOBAL) },
      maxRooms: e.MAX_ROOMS,
      maxConnectionsPerAddress: e.MAX_CONNECTIONS_PER_ADDRESS,
      maxConnections: e.MAX_CONNECTIONS,
    },
  };
}
