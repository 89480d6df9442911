/**
 * Part 4 of `npm run bench:cluster`: matchmaking alone, our quick-play allocator against
 * Colyseus's own `joinOrCreate`, measured the same way in the same session.
 *
 * Per run and variant, on a fresh cluster of two processes on Redis (`QUICK_PLAY_MATCHMAKER`
 * `spread` or `colyseus`; nothing else differs): this process sends `count` quick plays
 * (`POST /matchmake/joinOrCreate/arena` with a guest token fetched beforehand) on a fixed
 * open-loop schedule at `rate` per second, alternating between the two processes as nginx's
 * round robin does, straight to each process over loopback HTTP with keep-alive: no TLS and no
 * WebSocket, so the figure is the matchmaker's and not the machine's TLS or socket capacity (the
 * seat part measures the whole path). Latency = scheduled time → reservation answered (a late
 * generator counts against the server). Seats are never taken, so they lapse after the
 * reservation timeout; the reservations count toward each room's cap meanwhile, so rooms fill
 * exactly as with players. After the arrivals: no listing over its cap (Redis `roomcaches`), and
 * how many rooms there are (the fewest is ⌈count / 16⌉). Variants alternate run by run.
 */
import http from "node:http";
import { createHistogram } from "node:perf_hooks";
import { MAX_PLAYERS } from "../../shared/constants.ts";
import { RoomName } from "../../shared/protocol.ts";
import { endpointSettings, matchmakeHeaders, matchmakeUrl } from "../light/colyseus-protocol.ts";
import { fetchGuestTokens } from "../light/guest-tokens.ts";
import type { LatencySummary } from "../load/exact-histogram.ts";
import { spread, type Spread } from "../verdict.ts";
import { withCluster, type BenchContext } from "./common.ts";

export const MATCHMAKERS = ["spread", "colyseus"] as const;
export type Matchmaker = (typeof MATCHMAKERS)[number];

export interface MatchmakingSettings {
  readonly rates: readonly number[];
  readonly count: number;
  readonly runs: number;
  /** A run whose p99 start lateness is above this is invalid, ms. */
  readonly maxLateP99Ms: number;
  /** A request not answered within this counts as this, ms. */
  readonly timeoutMs: number;
}

export interface MatchmakingRun {
  readonly matchmaker: Matchmaker;
  readonly rate: number;
  readonly run: number;
  readonly valid: boolean;
  readonly answered: number;
  readonly failures: number;
  readonly failureExamples: string[];
  readonly latencyMs: LatencySummary;
  readonly lateP99Ms: number;
  readonly rooms: number;
  readonly roomsOverCap: number;
}

export interface MatchmakingCell {
  readonly matchmaker: Matchmaker;
  readonly rate: number;
  readonly validRuns: number;
  readonly p50: Spread;
  readonly p95: Spread;
  readonly p99: Spread;
  readonly rooms: Spread;
  readonly failures: number;
  readonly roomsOverCap: number;
}

export interface MatchmakingResult {
  readonly settings: MatchmakingSettings;
  readonly runs: MatchmakingRun[];
  readonly cells: MatchmakingCell[];
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

/** One POST, answered or failed, as a promise that never rejects. */
function post(
  agent: http.Agent,
  base: URL,
  path: string,
  token: string,
  timeoutMs: number,
): Promise<{ ok: boolean; roomId?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: "POST",
        path,
        // As the SDK sends them; the body is "{}".
        headers: { ...matchmakeHeaders(token), "Content-Length": 2 },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode !== 200) {
            resolve({ ok: false, error: `${res.statusCode}: ${text.slice(0, 120)}` });
            return;
          }
          try {
            const body = JSON.parse(text) as { roomId?: unknown; room?: { roomId?: unknown } };
            resolve({ ok: true, roomId: String(body.roomId ?? body.room?.roomId) });
          } catch {
            resolve({ ok: false, error: `unreadable answer: ${text.slice(0, 120)}` });
          }
        });
        res.on("error", (e) => resolve({ ok: false, error: String(e) }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve({ ok: false, error: e.message }));
    req.end("{}");
  });
}

/** Keep-alive connections opened to each process before a run (GET /healthz over each). */
const WARM_SOCKETS = 128;

/** One GET /healthz over `agent` (its socket then stays in the pool); never rejects. */
function warm(agent: http.Agent, base: URL): Promise<void> {
  return new Promise((resolve) => {
    const req = http.get({ agent, host: base.hostname, port: base.port, path: "/healthz", timeout: 10_000 }, (res) => {
      res.resume();
      res.on("end", () => resolve());
      res.on("error", () => resolve());
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve());
  });
}

async function oneRun(
  ctx: BenchContext,
  s: MatchmakingSettings,
  matchmaker: Matchmaker,
  rate: number,
  run: number,
): Promise<MatchmakingRun> {
  return withCluster(
    ctx,
    2,
    async (cluster) => {
      const targets = cluster.processes.map((p) => new URL(p.direct));
      // The same path on every process: quick play's matchmaking call.
      const path = new URL(matchmakeUrl(endpointSettings(targets[0]!.href), "joinOrCreate", RoomName.Arena)).pathname;
      const tokens = await fetchGuestTokens(cluster.processes[0]!.direct, s.count);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
      // Connections opened before the clock starts, as nginx's upstream keep-alive pool holds
      // them: a cold pool opens hundreds of sockets in the first burst, and the run's p99 at
      // 500/s was then 2 s (most likely SYNs dropped by full accept queues and sent again).
      await Promise.all(targets.flatMap((target) => Array.from({ length: WARM_SOCKETS }, () => warm(agent, target))));
      const latency = createHistogram();
      const late = createHistogram();
      const failures: string[] = [];
      let answered = 0;
      const jobs: Promise<void>[] = [];
      const t0 = performance.now() + 50;
      for (let i = 0; i < s.count; i++) {
        const at = t0 + (i * 1000) / rate;
        const wait = at - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        late.record(Math.max(1, Math.round((performance.now() - at) * 1000)));
        jobs.push(
          post(agent, targets[i % targets.length]!, path, tokens[i]!, s.timeoutMs).then((r) => {
            const ms = r.ok ? performance.now() - at : s.timeoutMs;
            latency.record(Math.max(1, Math.round(ms * 1000)));
            if (r.ok) answered += 1;
            else failures.push(r.error ?? "?");
          }),
        );
      }
      await Promise.all(jobs);
      agent.destroy();
      const listings = [...(await cluster.listings()).values()].filter((l) => l.name === RoomName.Arena);
      const overCap = listings.filter((l) => {
        const maxPlayers = Number(l.metadata?.["maxPlayers"] ?? MAX_PLAYERS);
        return l.clients > l.maxClients || l.clients > maxPlayers;
      }).length;
      const ms = (p: number): number => round1(latency.percentile(p) / 1000);
      const lateP99Ms = round1(late.percentile(99) / 1000);
      const result: MatchmakingRun = {
        matchmaker,
        rate,
        run,
        valid: lateP99Ms <= s.maxLateP99Ms,
        answered,
        failures: failures.length,
        failureExamples: [...new Set(failures)].slice(0, 3),
        latencyMs: {
          count: latency.count,
          p50: ms(50),
          p95: ms(95),
          p99: ms(99),
          max: round1(latency.max / 1000),
          mean: round1(latency.mean / 1000),
        },
        lateP99Ms,
        rooms: listings.length,
        roomsOverCap: overCap,
      };
      ctx.log(
        `[matchmaking] ${matchmaker} at ${rate}/s, run ${run}: answered ${answered}/${s.count}, ` +
          `p50 ${result.latencyMs.p50} p95 ${result.latencyMs.p95} p99 ${result.latencyMs.p99} ms; ` +
          `${result.rooms} rooms, ${overCap} over cap; start lateness p99 ${lateP99Ms} ms` +
          (result.valid ? "" : " INVALID (the generator was late)") +
          (failures.length > 0 ? `; failures: ${result.failureExamples.join(" | ")}` : ""),
      );
      return result;
    },
    { QUICK_PLAY_MATCHMAKER: matchmaker },
  );
}

export async function measureMatchmaking(ctx: BenchContext, s: MatchmakingSettings): Promise<MatchmakingResult> {
  const runs: MatchmakingRun[] = [];
  for (const rate of s.rates)
    for (let run = 1; run <= s.runs; run++)
      // Alternate which variant goes first, so neither always meets a warmer or cooler machine.
      for (const m of run % 2 === 1 ? MATCHMAKERS : [...MATCHMAKERS].reverse())
        runs.push(await oneRun(ctx, s, m, rate, run));
  const cells: MatchmakingCell[] = [];
  for (const rate of s.rates)
    for (const matchmaker of MATCHMAKERS) {
      const all = runs.filter((r) => r.rate === rate && r.matchmaker === matchmaker);
      const valid = all.filter((r) => r.valid);
      const used = valid.length > 0 ? valid : all;
      const of = (pick: (r: MatchmakingRun) => number): Spread =>
        spread(used.map(pick)) ?? { median: 0, min: 0, max: 0 };
      cells.push({
        matchmaker,
        rate,
        validRuns: valid.length,
        p50: of((r) => r.latencyMs.p50),
        p95: of((r) => r.latencyMs.p95),
        p99: of((r) => r.latencyMs.p99),
        rooms: of((r) => r.rooms),
        failures: all.reduce((n, r) => n + r.failures, 0),
        roomsOverCap: all.reduce((n, r) => n + r.roomsOverCap, 0),
      });
    }
  return { settings: s, runs, cells };
}
