/**
 * Game servers for the netcode benchmark, each in its own child process: `server/main.ts` (the
 * production entry) on 127.0.0.1 and an OS-chosen port, so the server's event loop is not the
 * one the measuring clients run in, and Colyseus's one-per-process matchmaker is never shared.
 * Every server gets a fresh temporary DATA_DIR (removed when it stops), the loopback load
 * settings (every client here is 127.0.0.1), one pilot to start a match (no warm-up) and a
 * match far longer than any measurement (no results screen mid-run). STATIC_DIR is empty
 * unless the browser needs the built client ({@link clientBuild}).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { LOOPBACK_LOAD_ENV } from "../../server/config.ts";
import { note, sleep } from "./stats.ts";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const CLIENT_BUILD = path.join(ROOT, "dist", "client");

/** Every server child still running and its data folder, so a dying benchmark takes them along. */
const running = new Map<ChildProcess, string>();

/** SIGKILLs every server still running and removes its data folder (synchronous: for exit handlers). */
export function killServers(): void {
  for (const [child, dataDir] of running) {
    child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  }
  running.clear();
}

/** A game server running as a child process. */
export interface BenchServer {
  readonly label: string;
  readonly url: string;
  /** The process id (for reading its CPU time from /proc). */
  readonly pid: number;
  /** Everything the process wrote, line by line. */
  readonly output: string[];
  /** SIGTERM, then SIGKILL after 5 s; resolves once it is gone and its data folder removed. */
  stop(): Promise<void>;
}

/** What to start: `server/main.ts` by default, or another entry under bench/netcode. */
export interface ServerSpec {
  readonly label: string;
  /** Extra environment (e.g. `LAG_COMPENSATION_MS`, `MAP`, `ROOM_PLAYERS`, `STATIC_DIR`). */
  readonly env?: Record<string, string>;
  /** Entry file relative to the repository root; default `server/main.ts`. */
  readonly entry?: string;
}

/**
 * Starts a server and resolves once it printed the line with its port (it prints
 * "Tick Arena listening on http://127.0.0.1:PORT (tick N Hz)").
 */
export async function startServer(spec: ServerSpec): Promise<BenchServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tick-arena-netcode-"));
  const removeData = (): void => rmSync(dataDir, { recursive: true, force: true });
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, spec.entry ?? "server/main.ts")], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...LOOPBACK_LOAD_ENV,
      // Stopping a bench server is not a deploy to drain.
      DRAIN_SECONDS: "0",
      PORT: "0",
      HOST: "127.0.0.1",
      STATIC_DIR: "",
      NODE_ENV: "production",
      DATA_DIR: dataDir,
      MIN_PLAYERS: "1",
      MATCH_SECONDS: "3600",
      ...spec.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.set(child, dataDir);
  child.once("exit", () => running.delete(child));
  const output: string[] = [];
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString("utf8").split("\n")) if (line !== "") output.push(line);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(killer);
    }
    removeData();
  };

  const deadline = performance.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      removeData();
      throw new Error(`${spec.label} server exited with ${child.exitCode}:\n${output.slice(-20).join("\n")}`);
    }
    const match = output.find((l) => l.includes("Tick Arena listening on"))?.match(/:(\d+) \(tick/);
    if (match) return { label: spec.label, url: `http://127.0.0.1:${match[1]}`, pid: child.pid!, output, stop };
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`${spec.label} server did not start:\n${output.slice(-20).join("\n")}`);
    }
    await sleep(50);
  }
}

/** Newest modification time under a file or folder (as scripts/start.ts checks its build). */
function newest(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = st.mtimeMs;
  for (const entry of readdirSync(p)) t = Math.max(t, newest(path.join(p, entry)));
  return t;
}

/** Runs `npx vite build` (production) into `outDir`; its output goes to our stderr. */
function viteBuild(outDir: string): void {
  // stdout goes to our stderr: with --json, stdout carries the JSON object only.
  const built = spawnSync("npx", ["vite", "build", "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn"], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", process.stderr, process.stderr],
  });
  if (built.status !== 0 || !existsSync(path.join(outDir, "index.html"))) {
    throw new Error(`vite build failed (exit ${built.status})`);
  }
}

/** The built client Chromium loads, and how to clean up after it. */
export interface ClientBuild {
  readonly dir: string;
  dispose(): void;
}

/**
 * The production client for Chromium. `dist/client` when it is there and at least as new as
 * the client's sources; built there with `npx vite build` when it is missing (as `npm start`
 * would). When it is older than the sources it is left alone (another process may be serving
 * it) and a fresh build goes to a temporary folder instead, removed by `dispose()`: the page
 * must speak the protocol of the server it is measured against.
 */
export function clientBuild(): ClientBuild {
  const index = path.join(CLIENT_BUILD, "index.html");
  if (!existsSync(index)) {
    note("dist/client is missing: building the client (npx vite build)…");
    viteBuild(CLIENT_BUILD);
    return { dir: CLIENT_BUILD, dispose: () => undefined };
  }
  const sources = ["client", "shared", "vite.config.ts", "package-lock.json"].map((p) => path.join(ROOT, p));
  const built = statSync(index).mtimeMs;
  if (!sources.some((s) => existsSync(s) && newest(s) > built)) return { dir: CLIENT_BUILD, dispose: () => undefined };
  const dir = mkdtempSync(path.join(os.tmpdir(), "tick-arena-netcode-client-"));
  note(`dist/client is older than the client's sources: building a fresh copy in ${dir}…`);
  try {
    viteBuild(dir);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
