/**
 * A real Tick Arena cluster on this machine: `scripts/cluster.ts` (what `npm run start:cluster`
 * runs) started as its own process on free loopback ports, with its own redis-server (or a given
 * `REDIS_URL`), N game server processes (with the loopback load limits: every client here is
 * 127.0.0.1) and nginx with TLS; plus what callers need to look inside: a Redis client on the
 * cluster's Redis, direct HTTP to each process, the pids, and the supervisor's events.
 *
 * The scale tests' fixture (test/scale/cluster.ts re-exports it) and `npm run bench:cluster`
 * both start clusters here. Every wait is bounded; nothing is mocked. `stop()` drains and removes
 * everything.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { LOOPBACK_LOAD_ENV } from "../../server/config.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The operator token these clusters run with. */
export const ADMIN_TOKEN = "scale-test-admin-token-0123456789";

export interface ClusterProcess {
  readonly name: string;
  readonly port: number;
  pid: number;
  /** Direct URL of the process (http, loopback), bypassing nginx. */
  readonly direct: string;
  /** Through nginx to this process only (its public-address path): https://localhost:P/node-N */
  readonly routed: string;
}

export interface Cluster {
  /** https://localhost:HTTPS_PORT (nginx). */
  readonly url: string;
  readonly httpUrl: string;
  readonly redisUrl: string;
  readonly processes: ClusterProcess[];
  /** Every line the supervisor printed. */
  readonly output: string[];
  /** The supervisor's JSON events (`cluster-ready`, `process-exited`, `process-restarted`, …). */
  readonly events: Record<string, unknown>[];
  /** Pid of the supervisor (scripts/cluster.ts), of nginx's master process and of redis-server. */
  readonly supervisorPid: number;
  readonly nginxPid: number | null;
  readonly redisPid: number | null;
  /** A Redis client on the cluster's Redis (for looking, not for changing). */
  readonly redis: Redis;
  /** Room listings in Redis: roomId → { name, processId, clients, maxClients, private, locked }. */
  listings(): Promise<Map<string, Listing>>;
  /** Process registry (GET /healthz through nginx). */
  health(): Promise<Health>;
  stop(): Promise<void>;
}

export interface Listing {
  readonly roomId: string;
  readonly name: string;
  readonly processId: string;
  readonly clients: number;
  readonly maxClients: number;
  readonly private: boolean;
  readonly locked: boolean;
  /** The room's metadata (arenas: `ArenaListing`, with `players` and `maxPlayers`). */
  readonly metadata?: Record<string, unknown>;
}

export interface Health {
  readonly processId: string;
  readonly processes: { processId: string; publicAddress: string; pid: number; draining: boolean }[];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** A base port with `count` free consecutive ports after it. */
async function freeRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const ok = await Promise.all(Array.from({ length: count }, (_, i) => portFree(base + i)));
    if (ok.every(Boolean)) return base;
  }
  throw new Error("no free port range");
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves when `exited` does or after `ms`, whichever is first (the timer never outlives it). */
async function within(exited: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

/** Polls `check` until it returns a value (not undefined/false) or `timeoutMs` passes. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last !== undefined ? ` (last error: ${String(last)})` : ""}`,
      );
    await sleep(everyMs);
  }
}

export interface ClusterOptions {
  readonly processes?: number;
  /** Use this Redis instead of the supervisor's own. */
  readonly redisUrl?: string;
  readonly env?: Record<string, string>;
  /**
   * Certificate and key nginx serves (PEM files). Default: `SCALE_TLS_CERT` and `SCALE_TLS_KEY`
   * from the environment (the scale tests' global setup sets them). Clients must trust the
   * certificate (`NODE_EXTRA_CA_CERTS`, read when a process starts).
   */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** Called with every line the supervisor and its children print (e.g. to log them). */
  readonly onOutput?: (line: string) => void;
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const count = options.processes ?? 2;
  const dir = mkdtempSync(path.join(os.tmpdir(), "tick-arena-cluster-"));
  const [httpsPort, httpPort, redisPort, basePort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freeRange(count),
  ];
  const cert = options.tls?.cert ?? process.env["SCALE_TLS_CERT"];
  const key = options.tls?.key ?? process.env["SCALE_TLS_KEY"];
  if (cert === undefined || key === undefined)
    throw new Error("no certificate: pass `tls`, or run through the scale project (test/scale/tls-setup.ts)");
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "cluster.ts")], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      ...LOOPBACK_LOAD_ENV,
      NODE_ENV: "production",
      CLUSTER_PROCESSES: String(count),
      HTTPS_PORT: String(httpsPort),
      HTTP_PORT: String(httpPort),
      REDIS_PORT: String(redisPort),
      CLUSTER_BASE_PORT: String(basePort),
      CLUSTER_DIR: dir,
      TLS_CERT: cert,
      TLS_KEY: key,
      STATIC_DIR: "",
      ADMIN_TOKEN,
      ...(options.redisUrl !== undefined ? { REDIS_URL: options.redisUrl } : {}),
      ...options.env,
    },
  });
  const output: string[] = [];
  const events: Record<string, unknown>[] = [];
  let buffered = "";
  const onData = (chunk: Buffer): void => {
    buffered += chunk.toString("utf8");
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      output.push(line);
      options.onOutput?.(line);
      if (line.startsWith('{"event"')) {
        try {
          events.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // not ours
        }
      }
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  let ready: Record<string, unknown>;
  try {
    // Bounded, and given up at once when the supervisor exits (a server that cannot start).
    const deadline = Date.now() + 90_000;
    for (;;) {
      const found = events.find((e) => e["event"] === "cluster-ready");
      if (found !== undefined) {
        ready = found;
        break;
      }
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`scripts/cluster.ts exited (${child.exitCode ?? child.signalCode}) before it was ready`);
      if (Date.now() > deadline) throw new Error("timed out after 90000 ms waiting for cluster-ready");
      await sleep(100);
    }
  } catch (error) {
    // The supervisor's own children (Redis, servers, nginx) stop with it on SIGTERM.
    child.kill("SIGTERM");
    await within(exited, 10_000);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${String(error)}\n${output.slice(-40).join("\n")}`, { cause: error });
  }
  const url = `https://localhost:${httpsPort}`;
  const processes: ClusterProcess[] = (ready["processes"] as { name: string; port: number; pid: number }[]).map(
    (p) => ({
      name: p.name,
      port: p.port,
      pid: p.pid,
      direct: `http://127.0.0.1:${p.port}`,
      routed: `${url}/${p.name}`,
    }),
  );
  // Restarted processes get new pids.
  const track = setInterval(() => {
    for (const e of events) {
      if (e["event"] === "process-restarted") {
        const p = processes.find((q) => q.name === e["name"]);
        if (p !== undefined && typeof e["pid"] === "number") p.pid = e["pid"];
      }
    }
  }, 100);
  const redisUrl = String(ready["redisUrl"]);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false });
  redis.on("error", () => undefined);

  return {
    url,
    httpUrl: `http://localhost:${httpPort}`,
    redisUrl,
    processes,
    output,
    events,
    supervisorPid: child.pid!,
    nginxPid: typeof ready["nginxPid"] === "number" ? ready["nginxPid"] : null,
    redisPid: typeof ready["redisPid"] === "number" ? ready["redisPid"] : null,
    redis,
    async listings() {
      const all = await redis.hgetall("roomcaches");
      const map = new Map<string, Listing>();
      for (const [roomId, raw] of Object.entries(all)) {
        const l = JSON.parse(raw) as Listing;
        map.set(roomId, { ...l, roomId });
      }
      return map;
    },
    async health() {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
      return (await res.json()) as Health;
    },
    async stop() {
      clearInterval(track);
      redis.disconnect();
      child.kill("SIGTERM");
      await within(exited, 30_000);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
