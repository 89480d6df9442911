/**
 * Running as one of several processes. With `REDIS_URL` set the server shares Colyseus's Redis
 * presence and driver with its siblings (matchmaking, listings, reconnection and IPC span every
 * process) and answers seats with its own public address; without it, Colyseus's in-process
 * defaults (one process, no outside services).
 *
 * On top of Colyseus's own machinery this module adds what a cluster needs and Colyseus leaves
 * to the operator (colyseus-seams.md §7):
 * - a **process registry** (`tick-arena:processes`, refreshed every 2 s): who is alive, where,
 *   and whether it is draining; `GET /healthz` lists it;
 * - a **sweep of dead processes** every second (`matchMaker.healthCheckAllProcesses`): a SIGKILLed
 *   process's listings would otherwise stay in Redis until some join tripped over them;
 * - **room placement** that never picks a draining or silent process;
 * - **recovery from a Redis restart** (`cluster-seam.ts`): listings and room counts return.
 */
import { matchMaker, type MatchMakerDriver, type Presence } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import { Redis, type RedisOptions } from "ioredis";
import { liveProcessIds, reannounceAfterRedisLoss } from "./cluster-seam.ts";
import { jsonLogSink } from "../log/logger.ts";

/** Redis hash of live processes: processId → {@link ProcessEntry} as JSON. */
export const PROCESS_REGISTRY_KEY = "tick-arena:processes";
/** How often a process refreshes its registry entry, and when a silent entry counts as gone. */
const REGISTRY_REFRESH_MS = 2000;
export const REGISTRY_STALE_MS = 7000;
/** How long one answer of `seatable()` is reused (quick play asks on every request). */
export const SEATABLE_CACHE_MS = 250;
/**
 * How often dead processes' listings are swept: a quick-play that picks a dead process's room
 * costs its player ~4 s (Colyseus's IPC timeout, then its health check), so sweep often (one
 * HGETALL and one PUBSUB CHANNELS per process and second).
 */
const SWEEP_INTERVAL_MS = 1000;

/** A process as the registry knows it. */
export interface ProcessEntry {
  readonly processId: string;
  /** Where clients reach its rooms (`host[:port][/path]`, the seat's `publicAddress`). */
  readonly publicAddress: string;
  readonly pid: number;
  readonly startedAt: number;
  /** Last refresh, epoch ms. */
  readonly seenAt: number;
  /** Draining (SIGTERM): it hands out no seats and gets no new rooms. */
  readonly draining: boolean;
  readonly rooms: number;
  readonly ccu: number;
}

/** What `defineServer` takes from here, and the loops that run beside it. */
export interface ScaleOut {
  /** True when the process shares Redis with others. */
  readonly clustered: boolean;
  readonly presence: Presence | undefined;
  readonly driver: MatchMakerDriver | undefined;
  readonly publicAddress: string | undefined;
  /** Colyseus's room placement hook (fewest rooms among live, non-draining processes). */
  readonly selectProcessIdToCreateRoom: matchMaker.SelectProcessIdCallback | undefined;
  /** Starts the registry and the sweep (after the server listens). */
  start(): void;
  /** Marks this process draining in the registry (SIGTERM). */
  drain(): Promise<void>;
  readonly draining: boolean;
  /** The live processes (this one included). */
  processes(): Promise<ProcessEntry[]>;
  /**
   * Which processes may hand out a seat now: live (holding its IPC subscription) and not
   * draining. Read at most every {@link SEATABLE_CACHE_MS} (every quick play asks); with Redis
   * away, every process (the seat reservation itself then decides).
   */
  seatable(): Promise<(processId: string) => boolean>;
  /**
   * Stops the loops and removes this process from the registry. Call before the server's own
   * shutdown, which closes the presence and driver connections.
   */
  stop(): Promise<void>;
}

export interface ScaleOutOptions {
  /** `REDIS_URL`; absent: one process, in-process presence and driver. */
  readonly redisUrl?: string | undefined;
  /** `PUBLIC_ADDRESS`: `host[:port][/path]` clients reach this process at (no scheme). */
  readonly publicAddress?: string | undefined;
  /** Where failures are reported (one JSON line each). */
  readonly log?: (line: string) => void;
  /**
   * Room types always created on the process that got the request (the lobby: cheap, and each
   * process then serves its own, fed by the shared listings).
   */
  readonly localRoomNames?: readonly string[];
}

/**
 * Redis connections that never crash the process and never hang a request forever: a command
 * issued while Redis is away waits through a few reconnection attempts, then fails, so a
 * matchmaking request gets an error instead of hanging (rooms keep playing meanwhile).
 */
function redisClient(url: string, name: string, log: (line: string) => void): Redis {
  const options: RedisOptions = {
    maxRetriesPerRequest: 3,
    connectTimeout: 5000,
    retryStrategy: (attempt) => Math.min(200 * attempt, 2000),
    connectionName: `tick-arena-${name}`,
  };
  const client = new Redis(url, options);
  let down = false;
  client.on("error", (error: Error) => {
    if (down) return;
    down = true;
    log(JSON.stringify({ event: "redis-error", client: name, error: error.message }));
  });
  client.on("ready", () => {
    if (down) log(JSON.stringify({ event: "redis-ready", client: name }));
    down = false;
  });
  return client;
}

/** Builds the scale-out pieces for this process from its configuration. */
export function createScaleOut(options: ScaleOutOptions): ScaleOut {
  const log = options.log ?? jsonLogSink.error;
  if (options.redisUrl === undefined) return singleProcess(options.publicAddress);

  const presenceClient = redisClient(options.redisUrl, "presence", log);
  const driverClient = redisClient(options.redisUrl, "driver", log);
  const presence = new RedisPresence(presenceClient);
  // Colyseus waits on one topic per concurrent joinOrCreate of a room type: a burst of players
  // quick-playing at once (a process died) is normal, not a leak.
  presence.setMaxListeners(10_000);
  const driver = new RedisDriver(driverClient);
  const publicAddress = options.publicAddress;
  const startedAt = Date.now();
  let draining = false;
  let timers: ReturnType<typeof setInterval>[] = [];
  let everReady = false;
  let lostRedis = false;

  const entry = (): ProcessEntry => ({
    processId: matchMaker.processId,
    publicAddress: publicAddress ?? "",
    pid: process.pid,
    startedAt,
    seenAt: Date.now(),
    draining,
    rooms: matchMaker.stats.local.roomCount,
    ccu: matchMaker.stats.local.ccu,
  });
  const refresh = async (): Promise<void> => {
    await presence.hset(PROCESS_REGISTRY_KEY, matchMaker.processId, JSON.stringify(entry()));
  };
  const report = (what: string) => (error: unknown) =>
    log(JSON.stringify({ event: "cluster-error", what, error: String(error) }));

  const processes = async (): Promise<ProcessEntry[]> => {
    const [all, subscribed] = await Promise.all([presence.hgetall(PROCESS_REGISTRY_KEY), liveProcessIds(presence)]);
    const now = Date.now();
    const live: ProcessEntry[] = [];
    const stale: string[] = [];
    for (const [id, raw] of Object.entries(all ?? {})) {
      let parsed: ProcessEntry | null;
      try {
        parsed = JSON.parse(raw) as ProcessEntry;
      } catch {
        parsed = null;
      }
      if (parsed === null || now - parsed.seenAt > REGISTRY_STALE_MS) stale.push(id);
      // Not subscribed to its IPC channel: killed a moment ago (Redis saw its socket close).
      else if (id !== matchMaker.processId && !subscribed.has(id)) continue;
      else live.push(id === matchMaker.processId ? entry() : parsed);
    }
    // A silent entry is a dead process: forget it (its listings go with the sweep).
    for (const id of stale) presence.hdel(PROCESS_REGISTRY_KEY, id).catch(report("registry-cleanup"));
    return live.sort((a, b) => a.publicAddress.localeCompare(b.publicAddress));
  };

  // The registry's view of who may seat (live, not draining), reused for SEATABLE_CACHE_MS.
  let seatableCache: { at: number; check: Promise<(processId: string) => boolean> } | null = null;
  const seatable = (): Promise<(processId: string) => boolean> => {
    const now = Date.now();
    if (seatableCache !== null && now - seatableCache.at < SEATABLE_CACHE_MS) return seatableCache.check;
    const check = processes().then(
      (live) => {
        const ids = new Set(live.filter((p) => !p.draining).map((p) => p.processId));
        return (id: string) => ids.has(id);
      },
      () => () => true,
    );
    seatableCache = { at: now, check };
    return check;
  };

  // Rooms go to the live, non-draining process with the fewest rooms (Colyseus's default rule,
  // minus the processes that would refuse or never answer).
  const local = new Set(options.localRoomNames ?? []);
  const selectProcessIdToCreateRoom: matchMaker.SelectProcessIdCallback = async (roomName) => {
    if (local.has(roomName) && !draining) return matchMaker.processId;
    const [counts, live] = await Promise.all([matchMaker.stats.fetchAll(), processes()]);
    const eligible = new Set(live.filter((p) => !p.draining).map((p) => p.processId));
    const candidates = counts.filter((c) => eligible.has(c.processId));
    candidates.sort((a, b) => a.roomCount - b.roomCount || a.ccu - b.ccu);
    // No candidate (registry not refreshed yet, or all draining): create here, as Colyseus would.
    return candidates[0]?.processId ?? matchMaker.processId;
  };

  presenceClient.on("error", () => {
    if (everReady) lostRedis = true;
  });
  presenceClient.on("ready", () => {
    if (!everReady) {
      everReady = true;
      return;
    }
    if (!lostRedis) return;
    lostRedis = false;
    // Redis came back (perhaps empty): put our listings, room count and registry entry back.
    reannounceAfterRedisLoss(presence).catch(report("redis-recovery"));
    refresh().catch(report("registry-refresh"));
  });

  return {
    clustered: true,
    presence,
    driver,
    publicAddress,
    selectProcessIdToCreateRoom,
    get draining() {
      return draining;
    },
    start() {
      refresh().catch(report("registry-refresh"));
      timers = [
        setInterval(() => refresh().catch(report("registry-refresh")), REGISTRY_REFRESH_MS),
        setInterval(() => matchMaker.healthCheckAllProcesses().catch(report("sweep")), SWEEP_INTERVAL_MS),
      ];
      for (const t of timers) t.unref();
    },
    async drain() {
      draining = true;
      await refresh().catch(report("registry-refresh"));
      // Out of the room counts too, so no sibling picks this process for a new room.
      await matchMaker.stats.excludeProcess(matchMaker.processId).catch(report("exclude"));
    },
    processes,
    seatable,
    async stop() {
      for (const t of timers) clearInterval(t);
      timers = [];
      await presence.hdel(PROCESS_REGISTRY_KEY, matchMaker.processId).catch(report("registry-remove"));
    },
  };
}

/** One process: Colyseus's defaults; the registry is this process alone. */
function singleProcess(publicAddress: string | undefined): ScaleOut {
  const startedAt = Date.now();
  let draining = false;
  return {
    clustered: false,
    presence: undefined,
    driver: undefined,
    publicAddress,
    selectProcessIdToCreateRoom: undefined,
    get draining() {
      return draining;
    },
    start() {},
    async drain() {
      draining = true;
    },
    async processes() {
      return [
        {
          processId: matchMaker.processId,
          publicAddress: publicAddress ?? "",
          pid: process.pid,
          startedAt,
          seenAt: Date.now(),
          draining,
          rooms: matchMaker.stats.local.roomCount,
          ccu: matchMaker.stats.local.ccu,
        },
      ];
    },
    async seatable() {
      return () => true;
    },
    async stop() {},
  };
}
