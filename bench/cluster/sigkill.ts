/**
 * Part 3 of `npm run bench:cluster`: a process SIGKILLed under players, until every displaced
 * player plays again.
 *
 * Per run, on a fresh cluster of two processes: SDK bots (bots/swarm.ts: the game client's own
 * session module, rejoining with backoff when their session ends) quick-play through nginx until
 * both processes hold some; then the process holding more of them is SIGKILLed, and the parent
 * polls Redis (and the bots) for
 * - **listings gone**: no room listing of the dead process left in `roomcaches` (the live
 *   processes' sweep removes them);
 * - **replay**: every displaced bot connected and seated in a room listed on a live process.
 * Both count from the kill; the polls run every {@link POLL_MS} ms, so each figure is late by at
 * most about that much. Bots on the other process must not notice (counted, not judged).
 */
import { spread, type Spread } from "../verdict.ts";
import type { BotPlace } from "./client-protocol.ts";
import { until, type Cluster } from "./cluster-process.ts";
import { processNames, withClients, withCluster, type BenchContext } from "./common.ts";

const POLL_MS = 50;

export interface SigkillSettings {
  readonly bots: number;
  readonly runs: number;
  readonly staggerMs: number;
  /** Longest wait for the listings to go and for the bots to play again, ms. */
  readonly timeoutMs: number;
}

export interface SigkillRun {
  readonly run: number;
  readonly victim: string;
  readonly displaced: number;
  readonly bystanders: number;
  /** Kill → no listing of the dead process left; null when it did not happen in time. */
  readonly listingsGoneMs: number | null;
  /** Kill → every displaced bot seated on a live process; null when not in time. */
  readonly replayMs: number | null;
  /** Bots of the other process that lost their seat or rejoined. */
  readonly bystandersDisturbed: number;
  /** Displaced bots still not playing at the deadline. */
  readonly stranded: number;
}

export interface SigkillResult {
  readonly settings: SigkillSettings;
  readonly runs: SigkillRun[];
  readonly listingsGoneMs: Spread | null;
  readonly replayMs: Spread | null;
  /** Runs where a figure did not come within the deadline. */
  readonly timedOut: number;
}

interface Placed extends BotPlace {
  readonly processId: string | undefined;
}

async function placement(cluster: Cluster, states: BotPlace[]): Promise<Placed[]> {
  const listings = await cluster.listings();
  return states.map((b) => ({ ...b, processId: listings.get(b.roomId ?? "")?.processId }));
}

async function sigkillOnce(ctx: BenchContext, s: SigkillSettings, run: number): Promise<SigkillRun> {
  return withCluster(ctx, 2, (cluster) =>
    withClients(ctx, "sigkill bots", async (bots) => {
      const state = (): Promise<BotPlace[]> => bots.call("bots.state", {}, 10_000);
      try {
        await bots.call(
          "bots.start",
          { url: cluster.url, count: s.bots, seed: 40 + run, staggerMs: s.staggerMs },
          s.bots * s.staggerMs + 60_000,
        );
        const before = await until(
          "bots seated on both processes",
          async () => {
            const placed = await placement(cluster, await state());
            const where = new Set(placed.map((b) => b.processId));
            return where.size >= 2 && !where.has(undefined) && placed.every((b) => b.connected) ? placed : false;
          },
          30_000,
        );
        const names = await processNames(cluster);
        const count = new Map<string, number>();
        for (const b of before) count.set(b.processId!, (count.get(b.processId!) ?? 0) + 1);
        const [victimId] = [...count.entries()].sort((a, b) => b[1] - a[1])[0]!;
        const victimName = names.get(victimId) ?? victimId;
        const victim = cluster.processes.find((p) => p.name === victimName);
        if (victim === undefined) throw new Error(`no process named ${victimName}`);
        const displaced = new Set(before.filter((b) => b.processId === victimId).map((b) => b.name));
        const bystanders = new Map(before.filter((b) => b.processId !== victimId).map((b) => [b.name, b.joins]));

        const killedAt = performance.now();
        process.kill(victim.pid, "SIGKILL");
        const elapsed = (): number => Math.round(performance.now() - killedAt);
        const [listingsGoneMs, replay] = await Promise.all([
          until(
            "the dead process's listings to go",
            async () => {
              const listings = await cluster.listings();
              return [...listings.values()].some((l) => l.processId === victimId) ? false : elapsed();
            },
            s.timeoutMs,
            POLL_MS,
          ).catch(() => null),
          until(
            "every displaced bot playing on a live process",
            async () => {
              const placed = await placement(cluster, await state());
              const playing = placed.filter(
                (b) => displaced.has(b.name) && b.connected && b.processId !== undefined && b.processId !== victimId,
              );
              return playing.length === displaced.size ? { ms: elapsed(), placed } : false;
            },
            s.timeoutMs,
            POLL_MS,
          ).catch(() => null),
        ]);
        const last = replay?.placed ?? (await placement(cluster, await state()));
        const stranded = last.filter(
          (b) => displaced.has(b.name) && !(b.connected && b.processId !== undefined && b.processId !== victimId),
        ).length;
        const bystandersDisturbed = last.filter(
          (b) => bystanders.has(b.name) && (!b.connected || b.joins !== bystanders.get(b.name)),
        ).length;
        return {
          run,
          victim: victimName,
          displaced: displaced.size,
          bystanders: bystanders.size,
          listingsGoneMs,
          replayMs: replay?.ms ?? null,
          bystandersDisturbed,
          stranded,
        };
      } finally {
        await bots.call("bots.stop", {}, 30_000).catch(() => null);
      }
    }),
  );
}

/** Runs part 3 `settings.runs` times, each on a fresh cluster. */
export async function measureSigkill(ctx: BenchContext, settings: SigkillSettings): Promise<SigkillResult> {
  const runs: SigkillRun[] = [];
  for (let run = 1; run <= settings.runs; run++) {
    ctx.log(`[sigkill] run ${run} of ${settings.runs}: ${settings.bots} SDK bots on 2 processes`);
    const r = await sigkillOnce(ctx, settings, run);
    runs.push(r);
    ctx.log(
      `[sigkill] run ${run}: killed ${r.victim} (${r.displaced} bots on it, ${r.bystanders} on the other); listings gone ` +
        `after ${r.listingsGoneMs ?? "TIMEOUT"} ms, every displaced bot playing again after ${r.replayMs ?? "TIMEOUT"} ms; ` +
        `bystanders disturbed ${r.bystandersDisturbed}${r.stranded > 0 ? `; ${r.stranded} stranded` : ""}`,
    );
  }
  const figures = (pick: (r: SigkillRun) => number | null): Spread | null =>
    spread(runs.map(pick).filter((v): v is number => v !== null));
  return {
    settings,
    runs,
    listingsGoneMs: figures((r) => r.listingsGoneMs),
    replayMs: figures((r) => r.replayMs),
    timedOut: runs.filter((r) => r.listingsGoneMs === null || r.replayMs === null).length,
  };
}
