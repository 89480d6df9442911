/**
 * Every tuning number of Tick Arena, in one place. Both the server and the client import these;
 * a number that appears on both sides must live here and nowhere else.
 *
 * Speeds are given per second and turned into per-tick values by `createWorld` for the tick
 * rate a room runs at, so a room at 60 Hz plays the same as one at 30 Hz.
 */

/** Default simulation rate of a room, in steps per second (server env `TICK_RATE` overrides). */
export const DEFAULT_TICK_RATE = 30;
/** Lowest and highest simulation rates a room accepts. */
export const MIN_TICK_RATE = 10;
export const MAX_TICK_RATE = 120;
/** State patches per second sent to every client. */
export const PATCH_RATE_HZ = 20;

/** Players a room seats before matchmaking opens a new one. */
export const MAX_PLAYERS = 16;
/**
 * Lag compensation: a shot is tested against its targets as its shooter saw them, up to this far
 * in the past (interpolation delay plus half the round trip); a slower link gets no more.
 */
export const LAG_COMPENSATION_MS = 500;
/** Spectators a room admits beside its players (they do not count toward `MAX_PLAYERS`). */
export const MAX_SPECTATORS = 32;
/** Players seated together by the ranked queue in one ranked match. */
export const RANKED_MATCH_PLAYERS = 4;

/** Arena size in pixels (world units). */
export const MAP_WIDTH = 2400;
export const MAP_HEIGHT = 1600;

/**
 * Positions are kept on a grid of 1/16 px inside the simulation, so the quantized 16-bit wire
 * value equals the simulated value exactly (a predicting client replays to the same bits).
 */
export const POSITION_STEPS_PER_PX = 16;
/** Largest coordinate the 16-bit wire position can carry: 65535 / 16. */
export const POSITION_WIRE_MAX = 65535 / POSITION_STEPS_PER_PX;

/** Ship body radius in px. */
export const SHIP_RADIUS = 20;
/** Ship top speed in px/s. */
export const SHIP_SPEED = 260;
/**
 * A ship that moves farther than this between two samples teleported (a respawn): clients draw
 * the jump, never a glide. Far above a ship's movement in one patch interval.
 */
export const TELEPORT_PX = 120;
/** Hit points of a fresh ship. */
export const SHIP_MAX_HP = 100;

/** Projectile speed in px/s. */
export const PROJECTILE_SPEED = 900;
/** Projectile collision radius in px. */
export const PROJECTILE_RADIUS = 5;
/** How long a projectile flies before it fizzles, in seconds. */
export const PROJECTILE_LIFETIME_S = 1.2;
/** Damage of one hit. Four hits destroy a fresh ship. */
export const PROJECTILE_DAMAGE = 25;
/** Minimum time between two shots of one ship, in seconds. */
export const FIRE_COOLDOWN_S = 0.2;

/** Delay between destruction and respawn, in seconds. */
export const RESPAWN_DELAY_S = 3;
/** Time after a respawn during which a ship cannot be damaged, in seconds. */
export const SPAWN_PROTECTION_S = 1;

/** Length of one match, in seconds (server env `MATCH_SECONDS` overrides). */
export const DEFAULT_MATCH_SECONDS = 300;
/** How long the results screen shows before the next match, in seconds. */
export const RESULTS_SECONDS = 6;

/**
 * How long a dropped player's seat, ship and score are held for the SDK's automatic
 * reconnection, in seconds. The ship stays in the arena meanwhile, idle.
 */
export const RECONNECT_GRACE_SECONDS = 20;

/** Longest nickname, in characters. */
export const NICKNAME_MAX_LENGTH = 16;

/** Inputs a client may have queued on the server; older ones are dropped (see `defineInput`). */
export const INPUT_BUFFER_MAX = 8;
/**
 * Messages per second a client may send (inputs, pings, requests) before it is disconnected
 * (4002). A client needs about 30; the input buffer already makes extra inputs useless, so
 * this only stops floods that would cost the server CPU.
 */
export const MAX_MESSAGES_PER_SECOND = 400;
/**
 * Input frames per simulation tick a client may send on average (a second's worth may come at
 * once) before it is disconnected (4002). One is needed; extra frames never move a ship faster.
 */
export const MAX_INPUTS_PER_TICK = 10;
/** Largest client→server WebSocket frame, in bytes; larger frames close the socket (1009). */
export const MAX_PAYLOAD_BYTES = 1024;

/** Aim vectors travel as signed 16-bit components; this is their full-scale value. */
export const AIM_SCALE = 32767;

/** Default port of the production server. */
export const DEFAULT_PORT = 2567;
