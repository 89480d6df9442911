/**
 * Server CPU per quick play: one server process (`server/main.ts` as bench/netcode starts it:
 * production settings, loopback load limits) answers `POST /matchmake/joinOrCreate/arena` for 3
 * rounds of 1,000 requests, 8 in flight; the process's CPU (user + system, from /proc) is read
 * around each round. The tokens are issued here with the server's secret, so minting them is not
 * counted. Seats are reserved and never taken (quick play opens rooms as they fill). Linux only.
 *
 *   npx tsx bench/micro/matchmake-cpu.ts [requests per round, default 1000]
 */
import { readFileSync } from "node:fs";
import { GuestTokens } from "../../server/identity/guest-tokens.ts";
import { RoomName } from "../../shared/protocol.ts";
import { endpointSettings, matchmakeHeaders, matchmakeUrl } from "../light/colyseus-protocol.ts";
import { startServer } from "../netcode/servers.ts";

const perRound = Number(process.argv[2] ?? 1000);
const ROUNDS = 3;
const WARM_UP = 100;
const SECRET = "micro-bench-secret-".padEnd(40, "x");

const issuer = new GuestTokens(new TextEncoder().encode(SECRET));
const tokens = await Promise.all(
  Array.from({ length: perRound * ROUNDS + WARM_UP }, async (_, i) => (await issuer.issue(`P${i}`)).token),
);
const server = await startServer({ label: "matchmake-cpu", env: { JWT_SECRET: SECRET, MAX_ROOMS: "5000" } });
try {
  const url = matchmakeUrl(endpointSettings(server.url), "joinOrCreate", RoomName.Arena);
  /** The process's CPU time so far, ms (/proc/<pid>/stat utime + stime, in 1/100 s). */
  const cpuMs = (): number => {
    const fields = readFileSync(`/proc/${server.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  };
  const quickPlay = async (i: number): Promise<void> => {
    const res = await fetch(url, {
      method: "POST",
      headers: matchmakeHeaders(tokens[i]!),
      body: JSON.stringify({ name: `P${i}` }),
    });
    if (!res.ok) throw new Error(`quick play answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
  // Warm-up: the first rooms, JIT.
  for (let i = 0; i < WARM_UP; i++) await quickPlay(perRound * ROUNDS + i);
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
  await server.stop();
}
