/**
 * Server CPU per message sent, on loopback: ws's own `send` against the server's socket class
 * (server/metrics/wire-counters.ts: the counters plus one write per frame, server/transport/
 * ws-seam.ts). A server process (on core 0 when `taskset` and two cores are there) sends a
 * 149-byte binary message, the size of a Tick Arena patch with its timing prefix, to each of
 * `--clients` sockets 20 times a second, as the room does; the clients (this process, on the
 * other core) count what arrives. Each round starts a fresh server per variant (which goes first
 * alternates from round to round), holds 8 s and reads the server's CPU (user + system) over
 * the hold; prints every round, each variant's median and range of µs per message, and the
 * median of the per-round ratios (the figure to quote: the machine drifts between rounds).
 *
 *   npx tsx bench/micro/ws-send.ts [--clients 1000] [--rounds 5] [--hold 8]
 */
import { spawn, spawnSync } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import WebSocket, { WebSocketServer } from "ws";
import { countingWebSocket, newWireCounters } from "../../server/metrics/wire-counters.ts";

type Variant = "ws" | "ours";
const PATCH_BYTES = 149;
const PATCH_INTERVAL_MS = 50;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

/** The server side: sends to every client every 50 ms; answers "start"/"stop" with its CPU. */
function serve(variant: Variant): void {
  const wss = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    perMessageDeflate: false,
    ...(variant === "ours" ? { WebSocket: countingWebSocket(newWireCounters()) } : {}),
  });
  const body = Buffer.alloc(PATCH_BYTES, 7);
  const options = { binary: true };
  setInterval(() => {
    for (const socket of wss.clients) {
      // A fresh buffer per client and patch, as Colyseus's timed frames are.
      const frame = Buffer.allocUnsafe(PATCH_BYTES);
      frame.set(body);
      socket.send(frame, options);
    }
  }, PATCH_INTERVAL_MS);
  let started = process.cpuUsage();
  process.on("message", (message) => {
    if (message === "start") started = process.cpuUsage();
    if (message === "stop") {
      const used = process.cpuUsage(started);
      process.send?.({ cpuMicros: used.user + used.system });
    }
  });
  wss.on("listening", () => process.send?.({ port: (wss.address() as { port: number }).port }));
}

async function measure(variant: Variant, clients: number, holdMs: number, pinned: boolean): Promise<number> {
  const self = fileURLToPath(import.meta.url);
  const nodeArgs = [...process.execArgv, self, "--serve", variant];
  const [cmd, args] = pinned ? ["taskset", ["-c", "0", process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  const child = spawn(cmd, args, { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const next = (): Promise<Record<string, number>> =>
    new Promise((resolve) => child.once("message", (m) => resolve(m as Record<string, number>)));
  try {
    const { port } = await next();
    const sockets: WebSocket[] = [];
    let received = 0;
    for (let i = 0; i < clients; i++) {
      const socket = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
      sockets.push(socket);
      await new Promise((resolve, reject) => {
        socket.once("open", resolve);
        socket.once("error", reject);
      });
      socket.on("message", () => (received += 1));
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.send("start");
    received = 0;
    await new Promise((resolve) => setTimeout(resolve, holdMs));
    const result = next();
    child.send("stop");
    const { cpuMicros } = await result;
    const messages = received;
    for (const socket of sockets) socket.terminate();
    if (messages === 0) throw new Error("no message arrived");
    return cpuMicros! / messages;
  } finally {
    child.kill();
  }
}

const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function main(): Promise<void> {
  const clients = arg("clients", 1000);
  const rounds = arg("rounds", 5);
  const holdMs = arg("hold", 8) * 1000;
  const pinned = os.cpus().length >= 2 && spawnSync("taskset", ["-c", "0", "true"]).status === 0;
  const results: Record<Variant, number[]> = { ws: [], ours: [] };
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // Alternate which variant goes first, so a machine that drifts during the run (these are
    // shared VMs) favours neither.
    let ws: number;
    let ours: number;
    if (round % 2 === 0) {
      ws = await measure("ws", clients, holdMs, pinned);
      ours = await measure("ours", clients, holdMs, pinned);
    } else {
      ours = await measure("ours", clients, holdMs, pinned);
      ws = await measure("ws", clients, holdMs, pinned);
    }
    results.ws.push(ws);
    results.ours.push(ours);
    ratios.push(ours / ws);
    console.log(
      `round ${round + 1} (${round % 2 === 0 ? "ws first" : "ours first"}): ws ${ws.toFixed(2)} µs, ours ${ours.toFixed(2)} µs per message, ratio ${(ours / ws).toFixed(3)}`,
    );
  }
  const show = (values: number[]): string =>
    `${median(values).toFixed(2)} µs [${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}]`;
  console.log(
    `${clients} clients × 20 messages/s of ${PATCH_BYTES} B, ${rounds} rounds, server ${pinned ? "on core 0" : "unpinned"}`,
  );
  console.log(`ws's send:             ${show(results.ws)} server CPU per message`);
  console.log(`the server's socket:   ${show(results.ours)}`);
  console.log(`ratio (median of rounds): ${median(ratios).toFixed(3)}`);
}

const serving = process.argv.indexOf("--serve");
if (serving >= 0) serve(process.argv[serving + 1] as Variant);
else await main();
