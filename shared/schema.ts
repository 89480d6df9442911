/**
 * The wire contract: the schema state the server sends as binary delta patches, and the input
 * schema clients send each tick. Data only; the rules live in `sim/`.
 */
import { schema, t } from "@colyseus/schema";
import { POSITION_WIRE_MAX, SHIP_MAX_HP } from "./constants.ts";

/** A position on the 1/16 px grid: 16 bits on the wire, exact for every grid value. */
const position = () => t.quantized({ min: 0, max: POSITION_WIRE_MAX, bits: 16 }).default(0);

/** One player's ship as clients see it. */
export const PlayerState = schema(
  {
    name: t.string().default(""),
    x: position(),
    y: position(),
    /** Facing in radians, [0, 2π), 16-bit. */
    aim: t.angle().default(0),
    hp: t.uint8().default(SHIP_MAX_HP),
    alive: t.boolean().default(true),
    /** True while spawn protection lasts. */
    shielded: t.boolean().default(false),
    /** Tick at which a destroyed ship respawns (meaningful while `alive` is false). */
    respawnTick: t.uint32().default(0),
    kills: t.uint16().default(0),
    deaths: t.uint16().default(0),
    /**
     * The ship's colour: an index into `SHIP_PALETTE` (shared/palette.ts), fixed for the ship's
     * life in the room. No other ship of the room holds it while the room has at most 16.
     */
    color: t.uint8().default(0),
    /**
     * The ship's number in the room, fixed for its life there and unique in the room (the
     * lowest free one when it joined): `ProjectileState.owner` names the shooter by it.
     */
    slot: t.uint8().default(0),
  },
  "PlayerState",
);
/** An instance of {@link PlayerState}. */
export type PlayerState = InstanceType<typeof PlayerState>;

/**
 * A projectile. Its path is fixed at launch, so only launch data travels (once, on add): it
 * flies from (x, y) along `heading` at the projectile speed; with (vx, vy) that velocity in px
 * per tick (`headingVx`/`headingVy` in sim/heading.ts), at the end of tick T its centre is
 * (x + vx·(T − spawnTick + 1), y + vy·(T − spawnTick + 1)).
 */
export const ProjectileState = schema(
  {
    /** The shooter's `slot` (its `PlayerState`, or in a large room its `PilotState`). */
    owner: t.uint8().default(0),
    x: position(),
    y: position(),
    /** Direction of flight: heading · 2π / 65536 radians (0 = +x, y grows downwards). */
    heading: t.uint16().default(0),
    spawnTick: t.uint32().default(0),
  },
  "ProjectileState",
);

/**
 * Keys of `projectiles`: a projectile's id modulo 36² in base 36 (one or two characters). A key
 * comes back only after 1,296 more launches, and a room of 64 ships has at most 384 in flight.
 */
export const PROJECTILE_KEY_SPACE = 36 * 36;

/** The `projectiles` key of the projectile with id `id`. */
export function projectileKey(id: number): string {
  return (id % PROJECTILE_KEY_SPACE).toString(36);
}
/** An instance of {@link ProjectileState}. */
export type ProjectileState = InstanceType<typeof ProjectileState>;

/**
 * Every pilot of a large room, near or far (the scoreboard, the edge arrows): what a client
 * needs of a ship it does not see. The position is coarse (1/255 of the map per step) and
 * refreshed every 2 s, so a far pilot costs a few bytes a second.
 */
export const PilotState = schema(
  {
    name: t.string().default(""),
    kills: t.uint16().default(0),
    deaths: t.uint16().default(0),
    alive: t.boolean().default(true),
    /** Coarse position: x = cx / 255 · map width, y = cy / 255 · map height. */
    cx: t.uint8().default(0),
    cy: t.uint8().default(0),
    /** The ship's colour, as `PlayerState.color`. */
    color: t.uint8().default(0),
    /** The ship's number in the room, as `PlayerState.slot`. */
    slot: t.uint8().default(0),
  },
  "PilotState",
);
/** An instance of {@link PilotState}. */
export type PilotState = InstanceType<typeof PilotState>;

/** The root state of an `arena` room: every client receives every ship. */
export const ArenaState = schema(
  {
    /** Simulation steps done; advances `tickRate` times per second. */
    tick: t.uint32().default(0),
    tickRate: t.uint8().default(0),
    /** 0 = playing, 1 = results, 2 = warm-up (see `Phase` in `sim/world.ts`). */
    phase: t.uint8().default(0),
    /** Tick at which the current phase ends. */
    phaseEndsTick: t.uint32().default(0),
    matchNumber: t.uint16().default(1),
    /** Ships by session id. */
    players: t.map(PlayerState),
    /** Projectiles in flight, by `projectileKey(id)`. */
    projectiles: t.map(ProjectileState),
    /** The map's id (`MAPS` in map.ts). */
    map: t.string().default("standard"),
  },
  "ArenaState",
);
/** An instance of {@link ArenaState}. */
export type ArenaState = InstanceType<typeof ArenaState>;

/**
 * The root state of an `arena-large` room (64 pilots, the large map) with interest management:
 * `players` is filtered per client (StateView): each client receives only the ships near its
 * own; `pilots` lists everyone, lightly.
 */
export const LargeArenaState = schema(
  {
    tick: t.uint32().default(0),
    tickRate: t.uint8().default(0),
    phase: t.uint8().default(0),
    phaseEndsTick: t.uint32().default(0),
    matchNumber: t.uint16().default(1),
    /** Ships near you, by session id (your own always). */
    players: t.map(PlayerState).view(),
    /** Projectiles whose path passes near your ship when they are launched. */
    projectiles: t.map(ProjectileState).view(),
    map: t.string().default("large"),
    /** Every pilot of the room, by session id. */
    pilots: t.map(PilotState),
  },
  "LargeArenaState",
);
/** An instance of {@link LargeArenaState}. */
export type LargeArenaState = InstanceType<typeof LargeArenaState>;

/** The state of either kind of arena room. */
export type AnyArenaState = ArenaState | LargeArenaState;

/**
 * One tick of a client's controls, sent with `room.input()`. The server clamps every field
 * (see `INPUT_LIMITS` in `protocol.ts`) and consumes one frame per simulation step.
 */
export const PlayerInput = schema(
  {
    /** Monotonic per-client sequence number; frames not above the last one are dropped. */
    seq: t.uint32().default(0),
    moveX: t.int8().default(0),
    moveY: t.int8().default(0),
    aimX: t.int16().default(0),
    aimY: t.int16().default(0),
    fire: t.boolean().default(false),
    /**
     * Low 16 bits of the tick whose state the client was drawing of other ships (lag
     * compensation: a shot counts against what its shooter saw). 0: none.
     */
    viewTick: t.uint16().default(0),
  },
  "PlayerInput",
);
/** An instance of {@link PlayerInput}. */
export type PlayerInput = InstanceType<typeof PlayerInput>;
