/**
 * What a room's age costs: bytes per patch and retained memory as a 16-ship room fires its
 * millionth projectile, with projectile instances reused (the server's way, project-state.ts)
 * and with a fresh instance per launch (what `@colyseus/schema` does left to itself: a refId
 * never handed out again, growing on the wire from 1 to 3 to 5 bytes, and an entry per refId
 * kept in the encoder's root).
 *
 * In-process and deterministic: the real simulation, projector and encoder, no network. Each
 * variant runs in a child process of its own (`--expose-gc`), so retained heap is measured
 * after a full collection, before and after the launches.
 *
 *   npx tsx bench/netcode/room-age.ts [--launches N] [--json]     (default 1,000,000)
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { $refId, Encoder } from "@colyseus/schema";
import { StateProjector } from "../../server/rooms/project-state.ts";
import { ArenaState, PlayerState } from "../../shared/schema.ts";
import { addShip, createWorld, step, type InputFrame, type World } from "../../shared/sim/index.ts";

export type Variant = "reuse" | "fresh";

/** What one variant measured. */
export interface AgeResult {
  variant: Variant;
  launches: number;
  /** Mean state-patch bytes over the first and the last 2 % of the launches. */
  bytesPerPatchEarly: number;
  bytesPerPatchLate: number;
  /** Bytes of a patch in which one late joiner's ship moves (beyond the clock's). */
  lateJoinerMoveBytes: number;
  /** Largest refId on the wire at the end. */
  maxRefId: number;
  retainedHeapMB: number;
  seconds: number;
}

/** One variant in this process; retained heap is NaN without `--expose-gc`. */
export function runVariant(variant: Variant, launches: number): AgeResult {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  const measuresHeap = (globalThis as { gc?: () => void }).gc !== undefined;
  const world: World = createWorld({ seed: 1, matchSeconds: 1e9 });
  const ids = Array.from({ length: 16 }, (_, i) => `s${i}`);
  for (const id of ids) addShip(world, id, id);
  const state = new ArenaState();
  state.tickRate = world.config.tickRate;
  const projector = new StateProjector(state, { reuseProjectiles: variant === "reuse" });
  const encoder = new Encoder(state);
  encoder.discardChanges();
  const it = { offset: 0 };
  const encode = (): number => {
    it.offset = 0;
    const bytes = encoder.encode(it).byteLength;
    encoder.discardChanges();
    projector.patchEncoded();
    return bytes;
  };
  // Every ship turns its aim and holds the trigger (one shot per 0.2 s); they drift to and fro.
  const inputs = new Map<string, InputFrame>();
  const drive = (tick: number): void => {
    ids.forEach((id, i) => {
      const a = (tick / 30 + i) * 0.7;
      const move = Math.floor(tick / 45 + i) % 3;
      inputs.set(id, { moveX: move - 1, moveY: 1 - move, aimX: Math.cos(a), aimY: Math.sin(a), fire: true });
    });
  };
  const window = Math.max(1, Math.floor(launches * 0.02));
  let seen = 0;
  let lastId = -1;
  const early = { bytes: 0, patches: 0 };
  const late = { bytes: 0, patches: 0 };
  let heapBefore = 0;
  const started = performance.now();
  for (let tick = 1; seen < launches; tick++) {
    drive(tick);
    step(world, inputs);
    for (const p of world.projectiles) {
      if (p.id > lastId) {
        seen += 1;
        lastId = p.id;
      }
    }
    if (tick % 3 === 2) continue; // 20 patches a second at 30 Hz
    projector.project(world);
    const bytes = encode();
    if (seen <= window) {
      early.bytes += bytes;
      early.patches += 1;
    } else if (seen > launches - window) {
      late.bytes += bytes;
      late.patches += 1;
    }
    if (heapBefore === 0 && seen > window) {
      gc();
      heapBefore = process.memoryUsage().heapUsed;
    }
  }
  gc();
  const retained = process.memoryUsage().heapUsed - heapBefore;
  // A pilot joins now and moves: what addressing its ship costs in this room.
  const joiner = new PlayerState();
  state.players.set("late", joiner);
  encode();
  state.tick += 1;
  const clockOnly = encode();
  state.tick += 1;
  joiner.x = 100;
  joiner.y = 100;
  const lateJoinerMoveBytes = encode() - clockOnly;
  let maxRefId = 0;
  for (const s of state.projectiles.values()) maxRefId = Math.max(maxRefId, refIdOf(s));
  maxRefId = Math.max(maxRefId, refIdOf(joiner));
  return {
    variant,
    launches: seen,
    bytesPerPatchEarly: early.bytes / Math.max(1, early.patches),
    bytesPerPatchLate: late.bytes / Math.max(1, late.patches),
    lateJoinerMoveBytes,
    maxRefId,
    retainedHeapMB: measuresHeap ? retained / 1e6 : Number.NaN,
    seconds: (performance.now() - started) / 1000,
  };
}

function refIdOf(instance: object): number {
  const value = (instance as Record<symbol, unknown>)[$refId];
  return typeof value === "number" ? value : -1;
}

function main(): void {
  const args = process.argv.slice(2);
  const flag = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i < 0 ? undefined : args[i + 1];
  };
  const launches = Number(flag("--launches") ?? 1_000_000);
  if (!Number.isInteger(launches) || launches < 1000) throw new Error("--launches: an integer ≥ 1000");
  const variant = flag("--variant") as Variant | undefined;
  if (variant !== undefined) {
    process.stdout.write(`${JSON.stringify(runVariant(variant, launches))}\n`);
    return;
  }
  const results: AgeResult[] = [];
  for (const v of ["fresh", "reuse"] as const) {
    const child = spawnSync(
      process.execPath,
      [
        "--expose-gc",
        "--import",
        "tsx",
        fileURLToPath(import.meta.url),
        "--variant",
        v,
        "--launches",
        String(launches),
      ],
      { encoding: "utf8", maxBuffer: 1 << 20 },
    );
    if (child.status !== 0) throw new Error(`${v} failed:\n${child.stderr}`);
    results.push(JSON.parse(child.stdout.trim().split("\n").at(-1)!) as AgeResult);
  }
  if (args.includes("--json")) {
    process.stdout.write(`${JSON.stringify({ launches, results })}\n`);
    return;
  }
  console.log(`A 16-ship room, ${launches.toLocaleString("en")} projectiles launched (in-process, real encoder)\n`);
  console.log("variant  bytes/patch first 2 %  last 2 %  late joiner's move  max refId  retained heap  time");
  for (const r of results) {
    console.log(
      `${r.variant.padEnd(7)}  ${r.bytesPerPatchEarly.toFixed(1).padStart(20)}  ${r.bytesPerPatchLate.toFixed(1).padStart(8)}` +
        `  ${`${r.lateJoinerMoveBytes} B`.padStart(18)}  ${String(r.maxRefId).padStart(9)}` +
        `  ${`${r.retainedHeapMB.toFixed(1)} MB`.padStart(13)}  ${r.seconds.toFixed(0)} s`,
    );
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();
