/**
 * The bot's decisions: a pure function from what a player sees (a {@link GameSnapshot}) and
 * the bot's own memory to one input frame. No SDK, no clock, no global randomness: the memory
 * carries a seeded generator, so a bot fed the same views decides the same way, and tests run
 * it through the shared `step` synchronously.
 *
 * Behaviour: shoot the nearest enemy in line of sight (leading it a little) while keeping a
 * fighting distance and strafing; with nobody in sight, travel to waypoints picked among open
 * points towards the enemies; steer around walls by taking the free one of the eight move
 * directions closest to the wanted one, following a wall on one side while the straight way
 * is blocked; give up on a waypoint it cannot reach.
 */
import { aimVector as clientAimVector } from "../client/src/input/controls.ts";
import type { GameSnapshot, PlayerView } from "../client/src/net/types.ts";
import { PROJECTILE_LIFETIME_S, PROJECTILE_RADIUS, PROJECTILE_SPEED, SHIP_RADIUS } from "../shared/constants.ts";
import { ARENA_MAP, type ArenaMap, type Point } from "../shared/map.ts";
import { circleHitsWalls, sweepWalls } from "../shared/sim/geometry.ts";
import { createRng, nextFloat, nextInt, type RngState } from "../shared/sim/rng.ts";
import type { InputFrame } from "../shared/sim/step.ts";

/** Farthest a projectile flies, px. */
export const PROJECTILE_RANGE = PROJECTILE_SPEED * PROJECTILE_LIFETIME_S;
/** Fire only at targets closer than this share of the range (the target keeps moving). */
const FIRE_RANGE = PROJECTILE_RANGE * 0.85;
/** Fighting distance band, px: approach beyond FAR, back off inside NEAR, strafe between. */
const FAR = 480;
const NEAR = 220;
/** A waypoint this close counts as reached, px. */
const REACHED = 40;
/** A waypoint is dropped after this many ticks, reached or not. */
const WAYPOINT_MAX_TICKS = 240;
/** Random points tried when picking a waypoint. */
const WAYPOINT_TRIES = 24;
/** Stuck detection: over this many ticks the ship must have moved STUCK_PX while trying to. */
const STUCK_WINDOW_TICKS = 30;
const STUCK_PX = 24;
/** After getting stuck: ticks spent moving in a random free direction. */
const ESCAPE_TICKS = 12;
/** Wall probes ahead of the ship along a candidate direction, px. */
const PROBES = [12, 28];
/** Probe circle: a hair under the ship so sliding along a wall it touches stays allowed. */
const PROBE_RADIUS = SHIP_RADIUS - 1;
/** Preference for keeping the previous direction (stops flicker between two near-equal ones). */
const KEEP_BONUS = 0.12;
/** A detour (following a wall on one side) that lasts this long flips to the other side. */
const DETOUR_MAX_TICKS = 90;
/** A detour started this soon after the last one ended keeps its side (no dithering at corners). */
const DETOUR_MEMORY_TICKS = 20;
/** Preference for directions on the detour's side of the wanted one. */
const SIDE_BONUS = 2;
/** Share of the computed lead applied (a little under full: the estimate is noisy). */
const LEAD_SHARE = 0.8;
/** Extra lead ticks for the view's staleness (interpolation delay plus half a round trip). */
const LEAD_EXTRA_TICKS = 3;
/** Most lead applied, in ticks of target movement. */
const LEAD_MAX_TICKS = 24;

/** The eight move directions (and their unit vectors), in a fixed order. */
const DIRECTIONS: readonly {
  readonly x: -1 | 0 | 1;
  readonly y: -1 | 0 | 1;
  readonly ux: number;
  readonly uy: number;
}[] = [
  [1, 0],
  [1, 1],
  [0, 1],
  [-1, 1],
  [-1, 0],
  [-1, -1],
  [0, -1],
  [1, -1],
].map(([x, y]) => {
  const len = Math.hypot(x!, y!);
  return { x: x as -1 | 0 | 1, y: y as -1 | 0 | 1, ux: x! / len, uy: y! / len };
});

/** A frame that does nothing (no move, aim kept, trigger released). */
export const IDLE_FRAME: InputFrame = { moveX: 0, moveY: 0, aimX: 0, aimY: 0, fire: false };

/** Where a ship was last seen, to estimate its velocity. */
interface Track {
  x: number;
  y: number;
  tick: number;
  vx: number;
  vy: number;
}

/** What a bot remembers between decisions. Plain data; create with {@link createBrainMemory}. */
export interface BrainMemory {
  readonly rng: RngState;
  /** Where the bot heads when nobody is in sight. */
  waypoint: Point | null;
  /** Tick the current waypoint was picked. */
  waypointTick: number;
  /** Strafe side: 1 counter-clockwise around the target, -1 clockwise. */
  strafe: 1 | -1;
  /** Tick at which the strafe side flips next. */
  strafeFlipTick: number;
  /** Index into the eight directions of the last move, or -1 for none. */
  lastDir: number;
  /** Position and tick at the start of the current stuck-detection window. */
  anchor: { x: number; y: number; tick: number } | null;
  /** While the tick is below this, move in `escapeDir` (getting unstuck). */
  escapeUntilTick: number;
  escapeDir: number;
  /** Side of the wanted direction it detours by while that is blocked: 1, -1, or 0 for none. */
  detourSide: 1 | -1 | 0;
  /** Tick the current detour started (or the last one ended, while none runs). */
  detourTick: number;
  /** Side of the last detour. */
  lastDetourSide: 1 | -1;
  /** Other ships' last positions and velocities, by id. */
  readonly tracks: Map<string, Track>;
  /** Id of the current target, or null (for tests and stats). */
  targetId: string | null;
  /** Number of times the bot found itself stuck. */
  stuckCount: number;
}

/** Fresh memory for a bot; `seed` drives every random choice it makes. */
export function createBrainMemory(seed: number): BrainMemory {
  return {
    rng: createRng(seed),
    waypoint: null,
    waypointTick: 0,
    strafe: 1,
    strafeFlipTick: 0,
    lastDir: -1,
    anchor: null,
    escapeUntilTick: 0,
    escapeDir: 0,
    detourSide: 0,
    detourTick: -Infinity,
    lastDetourSide: 1,
    tracks: new Map(),
    targetId: null,
    stuckCount: 0,
  };
}

/** Decides this tick's input for the bot whose view this is. */
export function decide(view: GameSnapshot, memory: BrainMemory, map: ArenaMap = ARENA_MAP): InputFrame {
  const self = view.players.find((p) => p.id === view.selfId);
  const tick = view.renderTick;
  updateTracks(view, memory, tick);
  if (self === undefined || !self.alive || view.phase === 1) {
    memory.anchor = null;
    memory.lastDir = -1;
    memory.targetId = null;
    return IDLE_FRAME;
  }

  const target = pickTarget(view, self, map);
  memory.targetId = target?.id ?? null;
  let aimX = 0;
  let aimY = 0;
  let fire = false;
  let want: { x: number; y: number };

  if (target !== undefined) {
    const dx = target.x - self.x;
    const dy = target.y - self.y;
    const dist = Math.hypot(dx, dy);
    const aim = leadPoint(self, target, memory.tracks.get(target.id), view.tickRate, map);
    [aimX, aimY] = aimVector(aim.x - self.x, aim.y - self.y);
    fire = dist <= FIRE_RANGE && !target.shielded;
    // Two ships on one spot (a shared spawn point) have no direction between them: back off
    // along +x rather than divide by zero.
    want = dist > 0 ? fightMove(dx / dist, dy / dist, dist, memory, tick) : { x: 1, y: 0 };
    memory.waypoint = null;
  } else {
    want = wanderMove(view, self, memory, map, tick);
  }

  if (checkStuck(self, memory, tick)) {
    memory.waypoint = null;
    memory.strafe = memory.strafe === 1 ? -1 : 1;
    memory.escapeDir = nextInt(memory.rng, DIRECTIONS.length);
    memory.escapeUntilTick = tick + ESCAPE_TICKS;
  }
  if (tick < memory.escapeUntilTick) {
    const d = DIRECTIONS[memory.escapeDir]!;
    want = { x: d.ux, y: d.uy };
  }

  const dir = chooseMove(self, want, memory, map, tick);
  memory.lastDir = dir;
  const move = dir >= 0 ? DIRECTIONS[dir]! : { x: 0, y: 0 };
  return { moveX: move.x, moveY: move.y, aimX, aimY, fire };
}

/**
 * The move direction: straight towards `want` when that way is free; otherwise a detour that
 * follows the obstacle on one side (kept until the straight way opens, flipped when it takes
 * too long), so the ship rounds a wall instead of dithering in front of it.
 */
function chooseMove(self: Point, want: Point, memory: BrainMemory, map: ArenaMap, tick: number): number {
  const len = Math.hypot(want.x, want.y);
  if (len === 0) return -1;
  const direct = closestDirection(want.x, want.y);
  if (isFree(self.x, self.y, DIRECTIONS[direct]!.ux, DIRECTIONS[direct]!.uy, map)) {
    if (memory.detourSide !== 0) {
      memory.detourSide = 0;
      memory.detourTick = tick;
    }
    return steer(self.x, self.y, want.x, want.y, memory.lastDir, map);
  }
  if (memory.detourSide === 0) {
    let side: 1 | -1;
    if (tick - memory.detourTick < DETOUR_MEMORY_TICKS) {
      side = memory.lastDetourSide;
    } else {
      const best = steer(self.x, self.y, want.x, want.y, -1, map);
      if (best < 0) return -1;
      const d = DIRECTIONS[best]!;
      side = want.x * d.uy - want.y * d.ux >= 0 ? 1 : -1;
    }
    memory.detourSide = side;
    memory.lastDetourSide = side;
    memory.detourTick = tick;
  } else if (tick - memory.detourTick > DETOUR_MAX_TICKS) {
    memory.detourSide = memory.detourSide === 1 ? -1 : 1;
    memory.lastDetourSide = memory.detourSide;
    memory.detourTick = tick;
  }
  return steer(self.x, self.y, want.x, want.y, memory.lastDir, map, memory.detourSide);
}

/** Index of the direction (one of eight) closest to (x, y), walls ignored. */
function closestDirection(x: number, y: number): number {
  const octant = Math.round(Math.atan2(y, x) / (Math.PI / 4));
  return (octant + DIRECTIONS.length) % DIRECTIONS.length;
}

/**
 * The index of the free direction (one of eight) closest to (wantX, wantY), or -1 when the
 * wanted direction is zero or every direction is blocked. A direction is free when the ship
 * fits at each probe distance along it. `keep` (an index or -1) gets a small bonus, and with
 * `side` (1 or -1) directions on that side of the wanted one are preferred.
 */
export function steer(
  x: number,
  y: number,
  wantX: number,
  wantY: number,
  keep: number,
  map: ArenaMap,
  side: 1 | -1 | 0 = 0,
): number {
  const len = Math.hypot(wantX, wantY);
  if (len === 0) return -1;
  let best = -1;
  let bestScore = -Infinity;
  for (let i = 0; i < DIRECTIONS.length; i++) {
    const d = DIRECTIONS[i]!;
    const cross = (wantX * d.uy - wantY * d.ux) / len;
    const score =
      (d.ux * wantX + d.uy * wantY) / len + (i === keep ? KEEP_BONUS : 0) + (cross * side > 1e-9 ? SIDE_BONUS : 0);
    if (score <= bestScore || !isFree(x, y, d.ux, d.uy, map)) continue;
    best = i;
    bestScore = score;
  }
  return best;
}

/** True when the ship fits at every probe distance along the unit direction (ux, uy). */
function isFree(x: number, y: number, ux: number, uy: number, map: ArenaMap): boolean {
  for (const p of PROBES) {
    const px = x + ux * p;
    const py = y + uy * p;
    if (px < PROBE_RADIUS || py < PROBE_RADIUS || px > map.width - PROBE_RADIUS || py > map.height - PROBE_RADIUS) {
      return false;
    }
    if (circleHitsWalls(px, py, PROBE_RADIUS, map.walls)) return false;
  }
  return true;
}

/** True when a projectile from a to b would reach b without touching a wall. */
export function hasLineOfSight(a: Point, b: Point, map: ArenaMap): boolean {
  return sweepWalls(a.x, a.y, b.x - a.x, b.y - a.y, PROJECTILE_RADIUS, map.walls) === Infinity;
}

/** The nearest living enemy in line of sight; unshielded ones first. */
function pickTarget(view: GameSnapshot, self: PlayerView, map: ArenaMap): PlayerView | undefined {
  let best: PlayerView | undefined;
  let bestKey = Infinity;
  for (const p of view.players) {
    if (p.id === self.id || !p.alive) continue;
    const d = Math.hypot(p.x - self.x, p.y - self.y);
    if (d > PROJECTILE_RANGE) continue;
    const key = d + (p.shielded ? PROJECTILE_RANGE : 0);
    if (key >= bestKey || !hasLineOfSight(self, p, map)) continue;
    best = p;
    bestKey = key;
  }
  return best;
}

/** Where to aim so a shot meets the target if it keeps its velocity. */
function leadPoint(
  self: PlayerView,
  target: PlayerView,
  track: Track | undefined,
  tickRate: number,
  map: ArenaMap,
): Point {
  if (track === undefined) return target;
  const dist = Math.hypot(target.x - self.x, target.y - self.y);
  const flightTicks = dist / (PROJECTILE_SPEED / tickRate);
  const t = Math.min(LEAD_MAX_TICKS, (flightTicks + LEAD_EXTRA_TICKS) * LEAD_SHARE);
  const lead = { x: target.x + track.vx * t, y: target.y + track.vy * t };
  // Leading into a wall would waste the shot: aim straight at the target then.
  return hasLineOfSight(self, lead, map) ? lead : target;
}

/**
 * An aim vector towards (dx, dy) on the wire's integer scale, or (0, 0) for no direction: the
 * browser client's own scaling, so bots and players aim alike.
 */
export function aimVector(dx: number, dy: number): [number, number] {
  const aim = clientAimVector(dx, dy);
  return [aim.aimX, aim.aimY];
}

/** Movement while fighting, given the unit vector towards the target and its distance. */
function fightMove(ux: number, uy: number, dist: number, memory: BrainMemory, tick: number): { x: number; y: number } {
  if (tick >= memory.strafeFlipTick) {
    memory.strafe = nextFloat(memory.rng) < 0.5 ? 1 : -1;
    memory.strafeFlipTick = tick + 20 + nextInt(memory.rng, 50);
  }
  if (dist > FAR) return { x: ux, y: uy };
  if (dist < NEAR) return { x: -ux, y: -uy };
  // Strafe around the target, drifting towards the middle of the band.
  const radial = (dist - (FAR + NEAR) / 2) / (FAR - NEAR);
  return { x: -uy * memory.strafe + ux * radial, y: ux * memory.strafe + uy * radial };
}

/** Movement with nobody in sight: towards the waypoint, picking a new one when needed. */
function wanderMove(
  view: GameSnapshot,
  self: PlayerView,
  memory: BrainMemory,
  map: ArenaMap,
  tick: number,
): { x: number; y: number } {
  const wp = memory.waypoint;
  if (
    wp === null ||
    Math.hypot(wp.x - self.x, wp.y - self.y) < REACHED ||
    tick - memory.waypointTick > WAYPOINT_MAX_TICKS
  ) {
    memory.waypoint = pickWaypoint(view, self, memory, map);
    memory.waypointTick = tick;
  }
  const next = memory.waypoint ?? self;
  return { x: next.x - self.x, y: next.y - self.y };
}

/**
 * A new waypoint: among random open points, one the ship can reach in a straight line,
 * preferring points near the nearest enemy (hunting) or, with no enemy, far away.
 */
function pickWaypoint(view: GameSnapshot, self: PlayerView, memory: BrainMemory, map: ArenaMap): Point | null {
  const enemies = view.players.filter((p) => p.id !== self.id && p.alive);
  let best: Point | null = null;
  let bestScore = Infinity;
  for (let i = 0; i < WAYPOINT_TRIES; i++) {
    const p = {
      x: SHIP_RADIUS + nextFloat(memory.rng) * (map.width - 2 * SHIP_RADIUS),
      y: SHIP_RADIUS + nextFloat(memory.rng) * (map.height - 2 * SHIP_RADIUS),
    };
    const travel = Math.hypot(p.x - self.x, p.y - self.y);
    if (travel < 3 * REACHED || circleHitsWalls(p.x, p.y, SHIP_RADIUS + 4, map.walls)) continue;
    const straight = sweepWalls(self.x, self.y, p.x - self.x, p.y - self.y, SHIP_RADIUS, map.walls) === Infinity;
    const purpose = enemies.length > 0 ? nearestDistance(p, enemies) : -travel;
    const score = (straight ? 0 : 10_000) + purpose + nextFloat(memory.rng) * 100;
    if (score < bestScore) {
      best = p;
      bestScore = score;
    }
  }
  if (best !== null) return best;
  const spawn = map.spawns[nextInt(memory.rng, Math.max(1, map.spawns.length))];
  return spawn ?? null;
}

function nearestDistance(p: Point, others: readonly PlayerView[]): number {
  let best = Infinity;
  for (const o of others) best = Math.min(best, Math.hypot(o.x - p.x, o.y - p.y));
  return best;
}

/** Updates the stuck window; true when the ship barely moved over a whole window. */
function checkStuck(self: PlayerView, memory: BrainMemory, tick: number): boolean {
  const a = memory.anchor;
  if (a === null || tick < a.tick) {
    memory.anchor = { x: self.x, y: self.y, tick };
    return false;
  }
  if (tick - a.tick < STUCK_WINDOW_TICKS) return false;
  const moved = Math.hypot(self.x - a.x, self.y - a.y);
  memory.anchor = { x: self.x, y: self.y, tick };
  if (moved >= STUCK_PX) return false;
  memory.stuckCount += 1;
  return true;
}

/** Remembers every ship's position and a smoothed velocity (px per tick). */
function updateTracks(view: GameSnapshot, memory: BrainMemory, tick: number): void {
  for (const p of view.players) {
    const t = memory.tracks.get(p.id);
    if (t === undefined || !p.alive) {
      memory.tracks.set(p.id, { x: p.x, y: p.y, tick, vx: 0, vy: 0 });
      continue;
    }
    const dt = tick - t.tick;
    if (dt <= 0) continue;
    const vx = (p.x - t.x) / dt;
    const vy = (p.y - t.y) / dt;
    // A jump faster than any ship is a respawn: restart the estimate.
    const teleport = Math.hypot(vx, vy) > 40;
    t.vx = teleport ? 0 : t.vx * 0.5 + vx * 0.5;
    t.vy = teleport ? 0 : t.vy * 0.5 + vy * 0.5;
    t.x = p.x;
    t.y = p.y;
    t.tick = tick;
  }
  if (memory.tracks.size > view.players.length) {
    const present = new Set(view.players.map((p) => p.id));
    for (const id of memory.tracks.keys()) if (!present.has(id)) memory.tracks.delete(id);
  }
}
