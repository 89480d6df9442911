/**
 * Many bots on one driver: a single interval at the tick rate steps every bot, so a swarm of
 * hundreds costs one timer, not hundreds. Bots join with a small stagger so the matchmaker is
 * not hit by all of them in the same millisecond.
 */
import type { NetworkConditions } from "../client/src/net/network-sim.ts";
import type { SessionOptions } from "../client/src/net/session.ts";
import { DEFAULT_TICK_RATE } from "../shared/constants.ts";
import type { ArenaMap } from "../shared/map.ts";
import { createRng, nextInt } from "../shared/sim/rng.ts";
import { Bot, type BackoffOptions, type ConnectFn } from "./bot.ts";

/** What a swarm needs. */
export interface SwarmOptions {
  readonly url: string;
  readonly count: number;
  /** Seeds every bot's brain (bot i gets its own seed derived from this one). */
  readonly seed: number;
  /** Bots are named `${namePrefix} ${i}` (1-based). Default "Bot". */
  readonly namePrefix?: string;
  /** Delay between two bots' first joins, ms. Default 50. */
  readonly staggerMs?: number;
  /** Driver rate, steps per second. Default the game's tick rate. */
  readonly stepRate?: number;
  readonly map?: ArenaMap;
  readonly network?: NetworkConditions;
  readonly backoff?: Partial<BackoffOptions>;
  readonly resume?: SessionOptions["reconnection"];
  readonly log?: (message: string) => void;
  readonly connect?: ConnectFn;
}

/** Totals over a swarm at one moment. */
export interface SwarmProgress {
  /** Bots seated right now. */
  readonly connected: number;
  /** Bots that were seated at least once. */
  readonly everConnected: number;
  readonly target: number;
  readonly kills: number;
  readonly deaths: number;
  readonly shots: number;
  readonly reconnects: number;
  readonly joinsFailed: number;
  /** Median of the bots' last round trips, ms, or null before any was measured. */
  readonly medianPing: number | null;
}

/** A group of bots sharing one driver. */
export class BotSwarm {
  readonly bots: readonly Bot[];
  private readonly stepMs: number;
  private readonly staggerMs: number;
  private driver: ReturnType<typeof setInterval> | null = null;
  /** Staggered joins not begun yet: their timers and what settles them. */
  private readonly pendingStarts = new Map<ReturnType<typeof setTimeout>, () => void>();

  constructor(options: SwarmOptions) {
    const rng = createRng(options.seed);
    const prefix = options.namePrefix ?? "Bot";
    this.stepMs = 1000 / (options.stepRate ?? DEFAULT_TICK_RATE);
    this.staggerMs = options.staggerMs ?? 50;
    this.bots = Array.from(
      { length: options.count },
      (_, i) =>
        new Bot({
          url: options.url,
          name: `${prefix} ${i + 1}`,
          seed: nextInt(rng, 2 ** 31),
          ...(options.map !== undefined ? { map: options.map } : {}),
          ...(options.network !== undefined ? { network: options.network } : {}),
          ...(options.backoff !== undefined ? { backoff: options.backoff } : {}),
          ...(options.resume !== undefined ? { resume: options.resume } : {}),
          ...(options.log !== undefined ? { log: options.log } : {}),
          ...(options.connect !== undefined ? { connect: options.connect } : {}),
        }),
    );
  }

  /** Starts the driver and the bots, staggered; resolves when every bot's first join settled. */
  start(): Promise<void> {
    if (this.driver === null) this.driver = setInterval(() => this.step(performance.now()), this.stepMs);
    const joins = this.bots.map(
      (bot, i) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.pendingStarts.delete(timer);
            void bot.start().finally(resolve);
          }, i * this.staggerMs);
          this.pendingStarts.set(timer, resolve);
        }),
    );
    return Promise.all(joins).then(() => undefined);
  }

  /** One driver pass: every bot decides and sends. */
  step(nowMs: number): void {
    for (const bot of this.bots) bot.step(nowMs);
  }

  /** Cancels joins not yet begun, leaves with every bot (each waits at most `timeoutMs`), stops the driver. */
  async stop(timeoutMs = 3000): Promise<void> {
    for (const [timer, settle] of this.pendingStarts) {
      clearTimeout(timer);
      settle();
    }
    this.pendingStarts.clear();
    await Promise.all(this.bots.map((bot) => bot.stop(timeoutMs)));
    if (this.driver !== null) clearInterval(this.driver);
    this.driver = null;
  }

  /** Totals right now. */
  progress(): SwarmProgress {
    return summarize(this.bots);
  }
}

/** Totals over some bots. */
export function summarize(bots: readonly Bot[]): SwarmProgress {
  let connected = 0;
  let everConnected = 0;
  let kills = 0;
  let deaths = 0;
  let shots = 0;
  let reconnects = 0;
  let joinsFailed = 0;
  const pings: number[] = [];
  for (const bot of bots) {
    const s = bot.stats;
    if (bot.connected) connected += 1;
    if (s.joins > 0) everConnected += 1;
    kills += s.kills;
    deaths += s.deaths;
    shots += s.shots;
    reconnects += s.reconnects;
    joinsFailed += s.joinsFailed;
    if (s.ping !== null && bot.connected) pings.push(s.ping);
  }
  return {
    connected,
    everConnected,
    target: bots.length,
    kills,
    deaths,
    shots,
    reconnects,
    joinsFailed,
    medianPing: median(pings),
  };
}

/** Median of some numbers, or null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
