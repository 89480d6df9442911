/**
 * SIGTERM to the production entry (`server/main.ts` in its own process, as a deploy runs it):
 * for `DRAIN_SECONDS` it keeps serving, with `/healthz` at 503 "draining" (a load balancer
 * polling it takes the process out) and matchmaking at 503, while the seated player plays on;
 * then the player is closed with 4001 and the process exits 0. A second signal during the drain
 * stops at once; the same signal delivered twice (process group plus npm/tsx relaying it) does not.
 * (drain.test.ts checks `drain()` and `stop()` themselves, in-process.)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { LOOPBACK_LOAD_ENV } from "../../server/config.ts";
import { DRAINING_MESSAGE } from "../../server/security/http-guard.ts";
import { CloseCodes, RoomName } from "../../shared/protocol.ts";
import { guestToken, joinPlayer, sleep, waitFor, type TestPlayer } from "./harness.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

interface MainProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: string[];
  /** Resolves with the exit code (null when killed by a signal) and when it came. */
  readonly exited: Promise<{ code: number | null; at: number }>;
}

const started: { child: ChildProcess; dataDir: string }[] = [];
const players: TestPlayer[] = [];

afterEach(async () => {
  for (const p of players.splice(0)) {
    if (p.room.connection.isOpen) await Promise.race([p.room.leave().catch(() => undefined), sleep(2000)]);
  }
  for (const { child, dataDir } of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await gone;
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
});

/** `node --import tsx server/main.ts` on 127.0.0.1, an OS-chosen port, no client, its own data. */
async function startMain(drainSeconds: string): Promise<MainProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tick-arena-drain-"));
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "server/main.ts")], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...LOOPBACK_LOAD_ENV,
      PORT: "0",
      HOST: "127.0.0.1",
      STATIC_DIR: "",
      NODE_ENV: "production",
      DATA_DIR: dataDir,
      DRAIN_SECONDS: drainSeconds,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push({ child, dataDir });
  const output: string[] = [];
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString("utf8").split("\n")) if (line !== "") output.push(line);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once("exit", (code) => resolve({ code, at: performance.now() })),
  );
  let port = 0;
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output.join("\n")}`);
      const match = output.find((l) => l.includes("Tick Arena listening on"))?.match(/:(\d+) \(tick/);
      if (match) port = Number(match[1]);
      return port !== 0;
    },
    30_000,
    "the server's listening line",
  );
  return { url: `http://127.0.0.1:${port}`, child, output, exited };
}

/** GET /healthz: status code and body status, or null when nothing answers. */
async function health(url: string): Promise<{ code: number; status: string } | null> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
    return { code: res.status, status: ((await res.json()) as { status: string }).status };
  } catch {
    return null;
  }
}

async function quickPlay(url: string, token: string): Promise<Response> {
  return fetch(`${url}/matchmake/joinOrCreate/${RoomName.Arena}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ name: "Late" }),
    signal: AbortSignal.timeout(2000),
  });
}

/** Resolves with the close code and when it came. */
function closedAt(player: TestPlayer): Promise<{ code: number; at: number }> {
  return player.closed.then((code) => ({ code, at: performance.now() }));
}

describe("SIGTERM to server/main.ts", () => {
  it("drains for DRAIN_SECONDS (healthz and matchmaking 503, the seated player plays on), then closes with 4001 and exits 0", async () => {
    const drainSeconds = 2;
    const server = await startMain(String(drainSeconds));
    const player = await joinPlayer(server.url, "Stayer");
    players.push(player);
    await player.welcome;
    const token = await guestToken(server.url, "Late");
    const closed = closedAt(player);

    const signalledAt = performance.now();
    server.child.kill("SIGTERM");

    // A load balancer polling /healthz sees the drain at once...
    await waitFor(() => server.output.some((l) => l.includes("SIGTERM: draining for 2 s")), 1000, "the drain line");
    expect(await health(server.url)).toEqual({ code: 503, status: "draining" });
    const refused = await quickPlay(server.url, token);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(((await refused.json()) as { error: string }).error).toBe(DRAINING_MESSAGE);
    // ...and still late in the window; meanwhile the seated player keeps getting patches.
    const tick = player.room.state.tick;
    await sleep(drainSeconds * 1000 - 600 - (performance.now() - signalledAt));
    expect(player.room.state.tick).toBeGreaterThan(tick + 10);
    expect(player.room.connection.isOpen).toBe(true);
    expect(await health(server.url)).toEqual({ code: 503, status: "draining" });
    expect((await quickPlay(server.url, token)).status).toBe(503);

    // Then the rooms close with 4001 (not before the window is over) and the process exits 0.
    const close = await closed;
    expect(close.code).toBe(CloseCodes.ServerShutdown);
    expect(close.at - signalledAt).toBeGreaterThanOrEqual(drainSeconds * 1000 - 100);
    const exit = await Promise.race([server.exited, sleep(drainSeconds * 1000 + 5000).then(() => null)]);
    expect(exit, `exited in time:\n${server.output.join("\n")}`).not.toBeNull();
    expect(exit!.code).toBe(0);
    expect(exit!.at - signalledAt).toBeLessThan(drainSeconds * 1000 + 3000);
    expect(server.output.some((l) => l.includes(`drained for ${drainSeconds} s: shutting down`))).toBe(true);
  });

  it("stops at once on a second signal during the drain, but not on the same signal delivered twice", async () => {
    const server = await startMain("30");
    const player = await joinPlayer(server.url, "Stayer");
    players.push(player);
    await player.welcome;
    const closed = closedAt(player);

    const signalledAt = performance.now();
    server.child.kill("SIGTERM");
    // Ctrl-C or systemd signal the process group, and npm or tsx relay the signal once more.
    await sleep(50);
    server.child.kill("SIGTERM");
    await sleep(1200 - (performance.now() - signalledAt));
    expect(await health(server.url)).toEqual({ code: 503, status: "draining" });
    expect(player.room.connection.isOpen).toBe(true);

    // A second Ctrl-C: no 30 s wait.
    const againAt = performance.now();
    server.child.kill("SIGINT");
    const close = await closed;
    expect(close.code).toBe(CloseCodes.ServerShutdown);
    const exit = await Promise.race([server.exited, sleep(5000).then(() => null)]);
    expect(exit, `exited in time:\n${server.output.join("\n")}`).not.toBeNull();
    expect(exit!.code).toBe(0);
    expect(exit!.at - againAt).toBeLessThan(3000);
    expect(server.output.some((l) => l.includes("SIGINT during the drain: shutting down"))).toBe(true);
  });

  it("stops at once with DRAIN_SECONDS=0", async () => {
    const server = await startMain("0");
    const player = await joinPlayer(server.url, "Stayer");
    players.push(player);
    await player.welcome;
    const signalledAt = performance.now();
    server.child.kill("SIGTERM");
    expect(await player.closed).toBe(CloseCodes.ServerShutdown);
    const exit = await Promise.race([server.exited, sleep(5000).then(() => null)]);
    expect(exit?.code).toBe(0);
    expect(exit!.at - signalledAt).toBeLessThan(3000);
  });
});
