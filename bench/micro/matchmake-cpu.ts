/**
 * Server CPU per quick play: one server process (`server/main.ts`, production settings, loopback
 * load limits) answers `POST /matchmake/joinOrCreate/arena` for 3 rounds of 1,000 requests, 8 in
 * flight; the process's CPU (user + system, from /proc) is read around each round. Tokens come
 * from a second process sharing the secret, so minting them is not counted. Seats are reserved
 * and never taken (the rooms are opened as quick play fills them). Linux only.
 *
 *   npx tsx bench/micro/matchmake-cpu.ts [requests per round, default 1000]
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fetchGuestTokens } from "../light/guest-tokens.ts";
import { LOOPBACK_LOAD_ENV } from "../../server/config.ts";

const perRound = Number(process.argv[2] ?? 1000);
const ROUNDS = 3;
const SECRET = "micro-bench-secret-".padEnd(40, "x");
const dirs: string[] = [];

async function start(port: number): Promise<ChildProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "matchmake-cpu-"));
  dirs.push(dataDir);
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    env: {
      ...process.env,
      ...LOOPBACK_LOAD_ENV,
      PORT: String(port),
      HOST: "127.0.0.1",
      STATIC_DIR: "",
      NODE_ENV: "production",
      JWT_SECRET: SECRET,
      DATA_DIR: dataDir,
      MAX_ROOMS: "5000",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the server exited (${code})`)));
    child.stdout!.on("data", (d: Buffer) => {
      if (String(d).includes("listening")) resolve();
    });
  });
  return child;
}

const port = 20_000 + Math.floor(Math.random() * 20_000);
const minter = await start(port + 1);
const server = await start(port);
try {
  const url = `http://127.0.0.1:${port}`;
  const tokens = await fetchGuestTokens(`http://127.0.0.1:${port + 1}`, perRound * ROUNDS + 100, { concurrency: 16 });
  minter.kill("SIGKILL");
  const cpuMs = (): number => {
    const fields = readFileSync(`/proc/${server.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * (1000 / 100);
  };
  const quickPlay = async (i: number): Promise<void> => {
    const res = await fetch(`${url}/matchmake/joinOrCreate/arena`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokens[i]}` },
      body: JSON.stringify({ name: `P${i}` }),
    });
    if (!res.ok) throw new Error(`quick play answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
  // Warm-up: the first rooms, JIT.
  for (let i = 0; i < 100; i++) await quickPlay(perRound * ROUNDS + i);
  const perRequest: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let next = round * perRound;
    const end = next + perRound;
    const before = cpuMs();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < end) await quickPlay(next++);
      }),
    );
    perRequest.push(((cpuMs() - before) * 1000) / perRound);
  }
  console.log(
    `server CPU per joinOrCreate, µs, ${ROUNDS} rounds of ${perRound}: ${perRequest.map((v) => v.toFixed(0)).join(", ")}`,
  );
} finally {
  server.kill("SIGKILL");
  minter.kill("SIGKILL");
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
