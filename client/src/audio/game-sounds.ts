/**
 * Which sounds a match makes, decided from what the client already knows: the session's kill
 * events and, every frame, the snapshot it draws (your ship's hp and alive flag, the phase,
 * the projectiles). Pure: the scene feeds it; it fires through the {@link SoundBus}.
 *
 * - shot: a projectile of yours appears in the drawn snapshot (so the sound goes with the
 *   muzzle flash, not with the key press the server may still refuse).
 * - hit: another ship loses hp (or is destroyed) while one of your projectiles was flying at it:
 *   the ship lies ahead on the line of the shot where it was last drawn, within its range, with
 *   no wall in between. Each projectile counts for one hit at most. The server sends no hit
 *   message (only kills), and a drawn projectile cannot tell by itself: at a low frame rate it
 *   is drawn once or not at all before it vanishes. A ship that another pilot damages while
 *   your shot is on its way to it sounds as your hit too.
 * - hurt: your hp drops and your ship lives. death: your ship goes from alive to destroyed.
 * - kill: a kill event names you as the killer of another ship.
 * - respawn: your ship is back (not counted when the phase changes in the same frame).
 * - match-start: the phase turns to playing (after the warm-up or the results); match-end: it
 *   turns to results. The phase seen on the first frame makes no sound (joining mid-match).
 */
import { PROJECTILE_LIFETIME_S, PROJECTILE_RADIUS, PROJECTILE_SPEED, SHIP_RADIUS } from "../../../shared/constants.ts";
import type { Rect } from "../../../shared/map.ts";
import { sweepWalls } from "../../../shared/sim/geometry.ts";
import { Phase } from "../../../shared/sim/world.ts";
import type { KillEvent, PlayerView, ProjectileView } from "../net/types.ts";
import type { SoundBus } from "./sound-bus.ts";

/** The part of a snapshot the sounds depend on. */
export interface SoundFrame {
  readonly selfId: string;
  readonly phase: number;
  readonly players: readonly Pick<PlayerView, "id" | "x" | "y" | "hp" | "alive" | "isSelf">[];
  readonly projectiles: readonly Pick<ProjectileView, "id" | "ownerId" | "x" | "y" | "dirX" | "dirY">[];
}

/** Centre distance at which a projectile touches a ship, px. */
const CONTACT = SHIP_RADIUS + PROJECTILE_RADIUS;
/** Sideways tolerance of the line test (the target is drawn interpolated), px. */
const SIDE_SLACK = 15;
/** How far a projectile flies, px. */
const RANGE = PROJECTILE_SPEED * PROJECTILE_LIFETIME_S;
/** How long a projectile of yours stays a candidate after it was last drawn, ms. */
const SHOT_MEMORY_MS = PROJECTILE_LIFETIME_S * 1000 + 500;
/** Your projectile ids remembered beyond those in flight (each sounds once). */
const KNOWN_SHOTS = 256;

interface ShotSeen {
  readonly x: number;
  readonly y: number;
  readonly dirX: number;
  readonly dirY: number;
  /** When it was last drawn (the caller's clock, ms). */
  readonly seenAt: number;
}

export class GameSounds {
  private primed = false;
  private phase: number | null = null;
  private self: { hp: number; alive: boolean } | null = null;
  /** Your projectiles drawn lately, where they were last drawn; removed once they hit. */
  private readonly ownShots = new Map<string, ShotSeen>();
  /** Other ships' hp and alive flag on the previous frame. */
  private others = new Map<string, { hp: number; alive: boolean }>();
  /** Your projectile ids already sounded. */
  private readonly knownShots = new Set<string>();

  /**
   * `walls`: the arena's walls, so a shot stopped by a wall in front of a ship is no hit.
   */
  constructor(
    private readonly bus: Pick<SoundBus, "fire">,
    private readonly selfId: string,
    private readonly walls: readonly Rect[] = [],
  ) {}

  /** A ship was destroyed. */
  kill(event: Pick<KillEvent, "killerId" | "victimId">, nowMs: number): void {
    if (event.killerId === this.selfId && event.victimId !== this.selfId) this.bus.fire("kill", nowMs);
  }

  /** The snapshot drawn this frame. */
  frame(f: SoundFrame, nowMs: number): void {
    const phaseChanged = this.phase !== null && f.phase !== this.phase;
    if (phaseChanged) {
      if (f.phase === Phase.Playing) this.bus.fire("match-start", nowMs);
      else if (f.phase === Phase.Results) this.bus.fire("match-end", nowMs);
    }
    this.phase = f.phase;

    const me = f.players.find((p) => p.id === this.selfId);
    if (me !== undefined && this.self !== null) {
      if (this.self.alive && !me.alive) this.bus.fire("death", nowMs);
      else if (!this.self.alive && me.alive && !phaseChanged) this.bus.fire("respawn", nowMs);
      else if (this.self.alive && me.alive && me.hp < this.self.hp) this.bus.fire("hurt", nowMs);
    }
    this.self = me === undefined ? null : { hp: me.hp, alive: me.alive };

    this.shots(f, nowMs);
    this.primed = true;
  }

  private shots(f: SoundFrame, nowMs: number): void {
    for (const p of f.projectiles) {
      if (p.ownerId !== this.selfId) continue;
      if (!this.knownShots.has(p.id)) {
        this.knownShots.add(p.id);
        if (this.primed) this.bus.fire("shot", nowMs);
      } else if (!this.ownShots.has(p.id)) {
        continue; // already counted as a hit
      }
      this.ownShots.set(p.id, { x: p.x, y: p.y, dirX: p.dirX, dirY: p.dirY, seenAt: nowMs });
    }
    for (const [id, shot] of this.ownShots) if (nowMs - shot.seenAt > SHOT_MEMORY_MS) this.ownShots.delete(id);
    for (const id of this.knownShots) {
      if (this.knownShots.size <= KNOWN_SHOTS) break;
      if (!this.ownShots.has(id)) this.knownShots.delete(id);
    }

    const others = new Map<string, { hp: number; alive: boolean }>();
    let hit = false;
    for (const s of f.players) {
      if (s.id === this.selfId) continue;
      others.set(s.id, { hp: s.hp, alive: s.alive });
      const before = this.others.get(s.id);
      if (before === undefined || !before.alive || (s.hp >= before.hp && s.alive)) continue;
      const shot = this.shotAt(s);
      if (shot === null) continue;
      this.ownShots.delete(shot);
      hit = true;
    }
    this.others = others;
    if (hit && this.primed) this.bus.fire("hit", nowMs);
  }

  /** The id of your nearest projectile flying at ship `s` with no wall before it, or null. */
  private shotAt(s: Pick<PlayerView, "x" | "y">): string | null {
    let best: string | null = null;
    let bestAlong = Infinity;
    for (const [id, shot] of this.ownShots) {
      const dx = s.x - shot.x;
      const dy = s.y - shot.y;
      const along = dx * shot.dirX + dy * shot.dirY;
      const across = Math.abs(dx * shot.dirY - dy * shot.dirX);
      if (along < -CONTACT || along > RANGE || across > CONTACT + SIDE_SLACK || along >= bestAlong) continue;
      const travel = Math.max(0, along - CONTACT);
      if (travel > 0 && this.walls.length > 0) {
        const t = sweepWalls(shot.x, shot.y, shot.dirX * travel, shot.dirY * travel, PROJECTILE_RADIUS, this.walls);
        if (t !== Infinity) continue;
      }
      best = id;
      bestAlong = along;
    }
    return best;
  }
}
