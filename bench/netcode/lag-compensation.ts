/**
 * Lag compensation, by the method of test/integration/netcode/lag-compensation.test.ts: a
 * shooter on a 250 ms simulated round trip (the browser client's session module), drawing
 * others 100 ms in the past, aims at where it sees a target (an SDK client) crossing its view at
 * constant speed, with no lead, and fires a 50 ms press every 420 ms. With lag compensation the
 * server tests each shot against the target as the shooter saw it; without it
 * (`LAG_COMPENSATION_MS=0`) the shot flies at where the target was a quarter second ago.
 *
 * Both run on the open field (field-server.ts: no cover, the shooter 110 px below the target's
 * lane), each server its own child process. A projectile the server removed within 12 ticks of
 * launch hit (walls are 700+ px away). Shots that met a dying or dead target are not counted:
 * those launched from 12 ticks before a death to a round trip + interpolation after it.
 * Hit rate = hits ÷ counted shots, over all the duels of one server.
 */
import { AIM_SCALE, DEFAULT_TICK_RATE } from "../../shared/constants.ts";
import type { ArenaState } from "../../shared/schema.ts";
import { joinPlayer } from "../../test/integration/harness.ts";
import { connectSession } from "./prediction.ts";
import { sleep, waitFor } from "./stats.ts";
import { shooterOf } from "../../client/src/net/projectiles.ts";

const RTT_MS = 250;
const SHOT_INTERVAL_MS = 420;
/** A projectile gone this many ticks after launch hit something. */
const HIT_WITHIN_TICKS = 12;

export interface DuelOutcome {
  readonly fired: number;
  readonly counted: number;
  readonly hits: number;
  readonly deaths: number;
}

/** How long a duel waits: for both ships to be seen, and for all its shots to be fired. */
export interface DuelLimits {
  readonly seatMs: number;
  readonly shootingMs: number;
}

/** One duel of `shots` shots on the field server at `url`. */
export async function duel(
  url: string,
  shots: number,
  limits: DuelLimits = { seatMs: 10_000, shootingMs: 120_000 },
): Promise<DuelOutcome> {
  const shooter = await connectSession(url, "Shooter", RTT_MS, 0);
  const target = await joinPlayer(url, "Target");
  target.room.onMessage("*", () => undefined);
  try {
    await waitFor(() => shooter.snapshot(performance.now()).players.length === 2, limits.seatMs, "both ships in view");

    // The target's authoritative life: projectiles of the shooter and when they vanished.
    const state = target.room.state as ArenaState;
    const launched = new Map<string, number>();
    const lifetimes: { spawnTick: number; goneTick: number }[] = [];
    const deaths: number[] = [];
    let wasAlive = true;
    target.room.onStateChange(() => {
      const seen = new Set<string>();
      state.projectiles.forEach((p, id) => {
        seen.add(id);
        if (!launched.has(id) && shooterOf(state, p.owner) === shooter.selfId) launched.set(id, p.spawnTick);
      });
      for (const [id, spawnTick] of launched) {
        if (seen.has(id)) continue;
        lifetimes.push({ spawnTick, goneTick: state.tick });
        launched.delete(id);
      }
      const me = state.players.get(target.id);
      if (me !== undefined && wasAlive && !me.alive) deaths.push(state.tick);
      if (me !== undefined) wasAlive = me.alive;
    });

    let running = true;
    // Target: one step every other tick (130 px/s), turning every 1.2 s.
    const runner = (async () => {
      let tick = 0;
      while (running) {
        const dir = Math.floor(tick / 36) % 2 === 0 ? 1 : -1;
        target.send({ moveX: tick % 2 === 0 ? dir : 0 });
        tick += 1;
        await sleep(1000 / DEFAULT_TICK_RATE);
      }
    })();

    let fired = 0;
    let lastShot = 0;
    const start = performance.now();
    while (fired < shots && performance.now() - start < limits.shootingMs) {
      const now = performance.now();
      const snap = shooter.snapshot(now);
      const self = snap.players.find((p) => p.isSelf);
      const other = snap.players.find((p) => !p.isSelf);
      // The trigger is held for 50 ms (more than a tick, less than the 200 ms cooldown).
      const holding = now - lastShot < 50;
      const press =
        self !== undefined &&
        other !== undefined &&
        other.alive &&
        !other.shielded &&
        now - start > 1500 &&
        now - lastShot >= SHOT_INTERVAL_MS;
      let aimX = 0;
      let aimY = 0;
      if (self !== undefined && other !== undefined) {
        const d = Math.hypot(other.x - self.x, other.y - self.y) || 1;
        aimX = Math.round(((other.x - self.x) / d) * AIM_SCALE);
        aimY = Math.round(((other.y - self.y) / d) * AIM_SCALE);
      }
      shooter.update(now, { moveX: 0, moveY: 0, aimX, aimY, fire: press || holding });
      if (press) {
        fired += 1;
        lastShot = now;
      }
      await sleep(16);
    }
    await sleep(1500);
    running = false;
    await runner;

    const blind = Math.ceil(((RTT_MS + 150) * DEFAULT_TICK_RATE) / 1000);
    const counted = lifetimes.filter(
      (l) => !deaths.some((d) => l.spawnTick >= d - HIT_WITHIN_TICKS && l.spawnTick <= d + blind),
    );
    const hits = counted.filter((l) => l.goneTick - l.spawnTick <= HIT_WITHIN_TICKS).length;
    return { fired, counted: counted.length, hits, deaths: deaths.length };
  } finally {
    shooter.dispose();
    await target.room.leave(true).catch(() => 0);
  }
}

export interface HitRate {
  readonly rate: number;
  readonly hits: number;
  readonly counted: number;
  readonly fired: number;
  /** Hit rate of each duel. */
  readonly perDuel: number[];
}

/** `duels` duels of `shots` shots each, one after the other, on the server at `url`. */
export async function measureHitRate(url: string, duels: number, shots: number): Promise<HitRate> {
  const outcomes: DuelOutcome[] = [];
  for (let i = 0; i < duels; i++) outcomes.push(await duel(url, shots));
  const hits = outcomes.reduce((a, o) => a + o.hits, 0);
  const counted = outcomes.reduce((a, o) => a + o.counted, 0);
  return {
    rate: hits / Math.max(1, counted),
    hits,
    counted,
    fired: outcomes.reduce((a, o) => a + o.fired, 0),
    perDuel: outcomes.map((o) => o.hits / Math.max(1, o.counted)),
  };
}
