/**
 * Lag compensation: a shooter on a 250 ms round trip, drawing others 100 ms in the past, aims at
 * where it sees a target crossing its view at constant speed (no lead) and fires. With lag
 * compensation the server tests each shot against the targets as the shooter saw them, so it
 * hits about as often as it would on a perfect link; without it, the shot flies at where the
 * target was a quarter of a second ago and misses. Real servers, the browser's session module
 * for the shooter, an SDK client for the target; hits are read from the projectiles' lifetimes.
 */
import { describe, expect, it } from "vitest";
import { GameSession } from "../../../client/src/net/session.ts";
import { AIM_SCALE, DEFAULT_TICK_RATE, LAG_COMPENSATION_MS } from "../../../shared/constants.ts";
import { borderWalls, type ArenaMap } from "../../../shared/map.ts";
import type { ArenaState } from "../../../shared/schema.ts";
import { joinPlayer, sleep, startTestServer, waitFor } from "../harness.ts";

/** An open field: the shooter stands 110 px below the lane the target runs along. */
const FIELD: ArenaMap = {
  width: 2400,
  height: 1600,
  walls: borderWalls(2400, 1600, 40),
  spawns: [
    { x: 1200, y: 800 },
    { x: 1200, y: 690 },
  ],
};
const RTT_MS = 250;
const SHOTS = 24;
const SHOT_INTERVAL_MS = 420;
/** A projectile gone this many ticks after launch hit something (walls are 700+ px away). */
const HIT_WITHIN_TICKS = 12;

interface Outcome {
  readonly fired: number;
  readonly counted: number;
  readonly hits: number;
  readonly deaths: number;
}

/** The target runs left and right at half speed; the shooter aims at it as drawn and fires. */
async function duel(lagCompensationMs: number): Promise<Outcome> {
  const server = await startTestServer({ map: FIELD, seed: 3, lagCompensationMs });
  const shooter = await GameSession.connect(server.url, "Shooter", { network: { lagMs: RTT_MS, jitterMs: 0 } });
  const target = await joinPlayer(server.url, "Target");
  target.room.onMessage("*", () => undefined);
  await waitFor(() => shooter.snapshot(performance.now()).players.length === 2, 5000, "both ships in view");

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
      if (!launched.has(id) && p.ownerId === shooter.selfId) launched.set(id, p.spawnTick);
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
  while (fired < SHOTS && performance.now() - start < 60_000) {
    const now = performance.now();
    const snap = shooter.snapshot(now);
    const self = snap.players.find((p) => p.isSelf);
    const other = snap.players.find((p) => !p.isSelf);
    // The trigger is held for 50 ms (more than a tick, less than the 200 ms cooldown), so the
    // press reaches a tick's input frame whatever the frame timing: one shot per press.
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
  shooter.dispose();
  await target.room.leave(true);
  await server.stop();

  // Shots that met a dying or dead target do not count: those in flight when the kill landed,
  // and those fired before the shooter could see it (a round trip and the interpolation delay).
  const blind = Math.ceil(((RTT_MS + 150) * DEFAULT_TICK_RATE) / 1000);
  const counted = lifetimes.filter(
    (l) => !deaths.some((d) => l.spawnTick >= d - HIT_WITHIN_TICKS && l.spawnTick <= d + blind),
  );
  const hits = counted.filter((l) => l.goneTick - l.spawnTick <= HIT_WITHIN_TICKS).length;
  return { fired, counted: counted.length, hits, deaths: deaths.length };
}

describe("lag compensation", () => {
  it("lets a shooter at 250 ms RTT hit what it saw; without it the same shots miss", async () => {
    // One after the other: Colyseus's matchmaker is one per process, so two servers in one
    // process must not overlap. Each duel stops its server before the next starts.
    const compensated = await duel(LAG_COMPENSATION_MS);
    const uncompensated = await duel(0);
    const rate = (o: Outcome): number => o.hits / Math.max(1, o.counted);
    console.log(
      JSON.stringify({
        rttMs: RTT_MS,
        hitRateCompensated: Number(rate(compensated).toFixed(3)),
        hitRateUncompensated: Number(rate(uncompensated).toFixed(3)),
        compensated,
        uncompensated,
      }),
    );
    expect(compensated.counted).toBeGreaterThanOrEqual(12);
    expect(uncompensated.counted).toBeGreaterThanOrEqual(12);
    expect(rate(compensated)).toBeGreaterThanOrEqual(0.95);
    expect(rate(uncompensated)).toBeLessThan(0.5);
  }, 150_000);
});
