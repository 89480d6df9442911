/**
 * `npm run start:cluster`: Tick Arena as several Redis-backed server processes behind nginx
 * with TLS, on one machine (docs/DEPLOY.md).
 *
 * - Redis: `REDIS_URL`, or a `redis-server` started here (127.0.0.1:`REDIS_PORT`, no persistence).
 * - `CLUSTER_PROCESSES` server processes (default: one per core) on 127.0.0.1, ports
 *   `CLUSTER_BASE_PORT`, +1, …, each with `PUBLIC_ADDRESS=<PUBLIC_HOST>/node-<n>`; a process that
 *   dies is started again after a second (at most 5 times a minute).
 * - nginx on https://localhost:`HTTPS_PORT` (8443), http://localhost:`HTTP_PORT` (8080) redirecting
 *   to it, with a self-signed certificate made on first use (or `TLS_CERT` and `TLS_KEY`).
 * - Ctrl-C or SIGTERM drains the servers (each keeps serving `DRAIN_SECONDS`, default 2, with
 *   `/healthz` and matchmaking at 503, then its players get close code 4001), then stops nginx and
 *   Redis. A single process sent SIGTERM drains the same way and is started again.
 *
 * Everything it writes (certificate, nginx config and logs, data) lives in `CLUSTER_DIR`
 * (default `.cluster/`). One JSON line `{"event":"cluster-ready",…}` on stdout tells scripts the
 * pids and ports.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { availableParallelism } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { renderNginxConfig, renderProxyInclude } from "../deploy/nginx/render.ts";
import { DEFAULT_DRAIN_SECONDS, MAX_DRAIN_SECONDS, SERVER_NODE_FLAGS } from "../server/config.ts";
import { ensureClientBuilt } from "./build-client.ts";

process.env.NODE_ENV = "production";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const envSchema = z.object({
  CLUSTER_PROCESSES: z.coerce.number().int().min(1).max(64).default(availableParallelism()),
  HTTPS_PORT: port(8443),
  HTTP_PORT: port(8080),
  CLUSTER_BASE_PORT: port(3201),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//)
    .optional(),
  REDIS_PORT: port(6390),
  PUBLIC_HOST: z.string().min(1).optional(),
  CLUSTER_DIR: z.string().min(1).default(path.join(root, ".cluster")),
  NGINX: z.string().min(1).optional(),
  TLS_CERT: z.string().min(1).optional(),
  TLS_KEY: z.string().min(1).optional(),
  // The servers' drain window (server/config.ts reads it the same way); the stop waits it out.
  DRAIN_SECONDS: z.coerce.number().min(0).max(MAX_DRAIN_SECONDS).default(DEFAULT_DRAIN_SECONDS),
});

const parsed = envSchema.safeParse(process.env);
if (!parsed.success) {
  for (const i of parsed.error.issues) console.error(`start:cluster: ${i.path.join(".")}: ${i.message}`);
  process.exit(2);
}
const env = parsed.data;
const dir = path.resolve(env.CLUSTER_DIR);
const publicHost = env.PUBLIC_HOST ?? `localhost:${env.HTTPS_PORT}`;

const children = new Set<ChildProcess>();
let stopping = false;

/** One JSON line on stdout (scripts read these). */
function event(fields: Record<string, unknown>): void {
  console.log(JSON.stringify(fields));
}

/** Prints a child's output line by line under its name. */
function pipeOutput(child: ChildProcess, name: string): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (stream === null) continue;
    createInterface({ input: stream }).on("line", (line) => console.log(`[${name}] ${line}`));
  }
}

function fail(message: string): never {
  console.error(`start:cluster: ${message}`);
  void shutdown(1);
  throw new Error(message);
}

function findBinary(name: string, explicit: string | undefined): string | null {
  if (explicit !== undefined) return existsSync(explicit) ? explicit : null;
  for (const d of [...(process.env["PATH"] ?? "").split(":"), "/usr/sbin", "/usr/local/sbin", "/sbin"]) {
    const candidate = path.join(d, name);
    if (d !== "" && existsSync(candidate)) return candidate;
  }
  return null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) throw new Error("stopping");
    if (await check().catch(() => false)) return;
    await sleep(200);
  }
  fail(`${what} did not come up within ${timeoutMs / 1000} s`);
}

// --- Redis ---------------------------------------------------------------------------------
let redisUrl = env.REDIS_URL;
let redisChild = null as ChildProcess | null;
async function startRedis(): Promise<void> {
  if (redisUrl !== undefined) return;
  const bin = findBinary("redis-server", undefined);
  if (bin === null) fail("no REDIS_URL and no redis-server on PATH (apt-get install redis-server)");
  const child = spawn(
    bin,
    ["--port", String(env.REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  redisChild = child;
  children.add(child);
  pipeOutput(child, "redis");
  child.on("exit", (code, signal) => {
    children.delete(child);
    if (!stopping) event({ event: "redis-exited", code, signal });
  });
  redisUrl = `redis://127.0.0.1:${env.REDIS_PORT}`;
  await waitFor("redis-server", async () => {
    const r = spawnSync("redis-cli", ["-p", String(env.REDIS_PORT), "ping"], { encoding: "utf8" });
    return r.stdout.trim() === "PONG";
  });
}

// --- Game servers --------------------------------------------------------------------------
interface GameProcess {
  readonly name: string;
  readonly port: number;
  child: ChildProcess | null;
  restarts: number[];
}
const servers: GameProcess[] = [];
let jwtSecret = process.env["JWT_SECRET"];

function startServer(p: GameProcess): void {
  const child = spawn(
    process.execPath,
    [...SERVER_NODE_FLAGS, "--import", "tsx", path.join(root, "server", "main.ts")],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(p.port),
        HOST: "127.0.0.1",
        REDIS_URL: redisUrl,
        PUBLIC_ADDRESS: `${publicHost}/${p.name}`,
        TRUST_PROXY: "1",
        DATA_DIR: process.env["DATA_DIR"] ?? path.join(dir, "data"),
        JWT_SECRET: jwtSecret,
        DRAIN_SECONDS: String(env.DRAIN_SECONDS),
      },
    },
  );
  p.child = child;
  children.add(child);
  pipeOutput(child, p.name);
  child.on("exit", (code, signal) => {
    children.delete(child);
    p.child = null;
    if (stopping) return;
    event({ event: "process-exited", name: p.name, port: p.port, code, signal });
    const now = Date.now();
    p.restarts = p.restarts.filter((t) => now - t < 60_000);
    if (p.restarts.length >= 5) {
      event({ event: "process-given-up", name: p.name, reason: "5 restarts within a minute" });
      return;
    }
    p.restarts.push(now);
    setTimeout(() => {
      if (stopping) return;
      startServer(p);
      event({ event: "process-restarted", name: p.name, port: p.port, pid: p.child?.pid });
    }, 1000);
  });
}

async function healthy(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return res.ok;
}

// --- nginx ---------------------------------------------------------------------------------
let nginxChild = null as ChildProcess | null;
function certificate(): { cert: string; key: string } {
  if (env.TLS_CERT !== undefined && env.TLS_KEY !== undefined) return { cert: env.TLS_CERT, key: env.TLS_KEY };
  const tls = path.join(dir, "tls");
  const cert = path.join(tls, "cert.pem");
  const key = path.join(tls, "key.pem");
  if (!existsSync(cert) || !existsSync(key)) {
    const made = spawnSync("bash", [path.join(root, "deploy", "tls", "make-cert.sh"), tls], { encoding: "utf8" });
    if (made.status !== 0) fail(`could not make a certificate: ${made.stderr || made.stdout}`);
  }
  return { cert, key };
}

async function startNginx(): Promise<{ cert: string }> {
  const bin = findBinary("nginx", env.NGINX);
  if (bin === null) fail("nginx not found (apt-get install nginx, or set NGINX to its path)");
  const { cert, key } = certificate();
  const run = path.join(dir, "nginx");
  for (const sub of ["temp/body", "temp/proxy", "temp/fastcgi", "temp/uwsgi", "temp/scgi"]) {
    mkdirSync(path.join(run, sub), { recursive: true });
    // nginx's workers drop root for "nobody" when started as root: they must write here.
    chmodSync(path.join(run, sub), 0o777);
  }
  writeFileSync(path.join(run, "tick-arena-proxy.conf"), renderProxyInclude());
  const conf = path.join(run, "nginx.conf");
  writeFileSync(
    conf,
    renderNginxConfig({
      processes: servers.map((s) => ({ name: s.name, upstream: `127.0.0.1:${s.port}` })),
      httpsPort: env.HTTPS_PORT,
      httpPort: env.HTTP_PORT,
      serverName: "localhost",
      certificate: cert,
      certificateKey: key,
      runDir: run,
      listenAddress: "127.0.0.1",
    }),
  );
  const checked = spawnSync(bin, ["-t", "-p", run, "-c", conf], { encoding: "utf8" });
  if (checked.status !== 0) fail(`nginx rejected ${conf}:\n${checked.stderr}`);
  const child = spawn(bin, ["-p", run, "-c", conf], { stdio: ["ignore", "pipe", "pipe"] });
  nginxChild = child;
  children.add(child);
  pipeOutput(child, "nginx");
  child.on("exit", (code, signal) => {
    children.delete(child);
    if (stopping) return;
    event({ event: "nginx-exited", code, signal });
    void shutdown(1);
  });
  const ca = readFileSync(cert);
  await waitFor("nginx", () => httpsHealthy(`https://localhost:${env.HTTPS_PORT}/healthz`, ca));
  return { cert };
}

function httpsHealthy(url: string, ca: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { ca, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

// --- Stop ----------------------------------------------------------------------------------
async function waitExit(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await Promise.race([new Promise((r) => child.once("exit", r)), sleep(ms)]);
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log("start:cluster: stopping (draining the servers)…");
  const game = servers.map((s) => s.child).filter((c): c is ChildProcess => c !== null);
  for (const c of game) c.kill("SIGTERM");
  // Each drains for DRAIN_SECONDS, then closes its rooms: SIGKILL only well after that.
  await Promise.all(game.map((c) => waitExit(c, env.DRAIN_SECONDS * 1000 + 15_000)));
  if (nginxChild !== null) {
    nginxChild.kill("SIGQUIT");
    await waitExit(nginxChild, 5000);
  }
  if (redisChild !== null) {
    redisChild.kill("SIGTERM");
    await waitExit(redisChild, 5000);
  }
  for (const c of children) c.kill("SIGKILL");
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void shutdown(0));

// --- Start ---------------------------------------------------------------------------------
mkdirSync(dir, { recursive: true });
if (jwtSecret === undefined || jwtSecret === "") {
  // One secret for every process, kept across restarts: a token from one is valid on all.
  const file = path.join(dir, "jwt-secret");
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  jwtSecret = readFileSync(file, "utf8").trim();
}
// STATIC_DIR="" serves no client (tests, an API-only cluster): nothing to build.
if (process.env["STATIC_DIR"] !== "") await ensureClientBuilt(root);
await startRedis();
for (let i = 0; i < env.CLUSTER_PROCESSES; i++) {
  const p: GameProcess = { name: `node-${i + 1}`, port: env.CLUSTER_BASE_PORT + i, child: null, restarts: [] };
  servers.push(p);
  startServer(p);
}
await Promise.all(servers.map((s) => waitFor(s.name, () => healthy(`http://127.0.0.1:${s.port}/healthz`), 60_000)));
const { cert } = await startNginx();
event({
  event: "cluster-ready",
  url: `https://localhost:${env.HTTPS_PORT}`,
  httpUrl: `http://localhost:${env.HTTP_PORT}`,
  redisUrl,
  redisPid: redisChild?.pid ?? null,
  nginxPid: nginxChild?.pid ?? null,
  certificate: cert,
  processes: servers.map((s) => ({ name: s.name, port: s.port, pid: s.child?.pid ?? null })),
});
console.log(
  `Tick Arena cluster ready: https://localhost:${env.HTTPS_PORT} (${servers.length} processes, Redis ${redisUrl}; ` +
    `http://localhost:${env.HTTP_PORT} redirects). Ctrl-C stops it.`,
);
