/**
 * The JSON baseline's wire format: text frames both ways, the whole state in every patch.
 *
 * Client → server:
 *   `{"join":"name"}`  once, first (or `?name=` in the WebSocket URL instead)
 *   `{"seq":1,"moveX":1,"moveY":0,"aimX":0,"aimY":0,"fire":false}`  per tick
 * Server → client:
 *   `{"welcome":"p12"}`  once, the player's id, right before the first state
 *   `{"tick":…,"phase":…,"players":{id:{name,x,y,aim,hp,alive,kills,deaths}},"projectiles":[{x,y}]}`
 *     the full state: once on join (the "seated" moment), then at the patch rate
 *
 * The server rounds what it sends as a developer would ({@link DEVELOPER_ROUNDING}: positions to
 * 0.1 px, the aim angle to 0.01 rad) rather than stringifying 17-digit floats, so the bytes ratio
 * against Tick Arena is quoted against a fair baseline. `serializeState` without a rounding sends
 * the raw floats (kept for tests that compare against the simulation exactly).
 */
import { nicknameSchema, INPUT_LIMITS } from "../../shared/protocol.ts";
import type { InputFrame, World } from "../../shared/sim/index.ts";

/** A parsed client message; `null` from the parser means garbage (close the socket). */
export type BaselineClientMessage =
  | { readonly kind: "join"; readonly name: string | null }
  | { readonly kind: "input"; readonly seq: number; readonly frame: InputFrame };

function clampInt(value: unknown, [lo, hi]: readonly [number, number]): number | null {
  if (typeof value !== "number" || !Number.isFinite(value)) return null;
  return Math.min(hi, Math.max(lo, Math.trunc(value)));
}

/** Normalises a nickname, or null when it is absent or invalid (the server then picks one). */
export function parseBaselineName(value: unknown): string | null {
  const parsed = nicknameSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/**
 * Parses one client text frame. Minimal validation: JSON, an object, a join or an input whose
 * fields have the right types; numbers are clamped like the game server's input sanitiser.
 */
export function parseBaselineMessage(text: string): BaselineClientMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const m = value as Record<string, unknown>;
  if ("join" in m) return { kind: "join", name: parseBaselineName(m.join) };
  const seq = m.seq;
  if (typeof seq !== "number" || !Number.isInteger(seq) || seq < 0) return null;
  const moveX = clampInt(m.moveX ?? 0, INPUT_LIMITS.moveX);
  const moveY = clampInt(m.moveY ?? 0, INPUT_LIMITS.moveY);
  const aimX = clampInt(m.aimX ?? 0, INPUT_LIMITS.aimX);
  const aimY = clampInt(m.aimY ?? 0, INPUT_LIMITS.aimY);
  const fire = m.fire ?? false;
  if (moveX === null || moveY === null || aimX === null || aimY === null || typeof fire !== "boolean") return null;
  return { kind: "input", seq, frame: { moveX, moveY, aimX, aimY, fire } };
}

/** The welcome message: the joining player's id. */
export function welcomeMessage(playerId: string): string {
  return JSON.stringify({ welcome: playerId });
}

/** One player as the baseline sends it. */
export interface BaselinePlayer {
  name: string;
  x: number;
  y: number;
  aim: number;
  hp: number;
  alive: boolean;
  kills: number;
  deaths: number;
}

/** The full state as the baseline sends it. */
export interface BaselineState {
  tick: number;
  phase: number;
  players: Record<string, BaselinePlayer>;
  projectiles: { x: number; y: number }[];
}

/** Decimal places kept in the numbers a state carries. */
export interface StateRounding {
  /** For x and y of ships and projectiles. */
  readonly positionDecimals: number;
  /** For the aim angle in radians. */
  readonly aimDecimals: number;
}

/** What a developer would send: 0.1 px positions (finer than a screen pixel), 0.01 rad aims. */
export const DEVELOPER_ROUNDING: StateRounding = { positionDecimals: 1, aimDecimals: 2 };

/** Rounds to `decimals` places (a no-op rounder when `decimals` is undefined). */
function rounder(decimals: number | undefined): (v: number) => number {
  if (decimals === undefined) return (v) => v;
  const k = 10 ** decimals;
  return (v) => Math.round(v * k) / k;
}

/**
 * The naive pattern: the whole world, rebuilt and stringified for every patch, numbers rounded
 * by `rounding` when given (the server passes {@link DEVELOPER_ROUNDING}).
 */
export function serializeState(world: World, rounding?: StateRounding): string {
  const pos = rounder(rounding?.positionDecimals);
  const angle = rounder(rounding?.aimDecimals);
  const players: Record<string, BaselinePlayer> = {};
  for (const ship of world.ships.values()) {
    players[ship.id] = {
      name: ship.name,
      x: pos(ship.x),
      y: pos(ship.y),
      aim: angle(Math.atan2(ship.aimY, ship.aimX)),
      hp: ship.hp,
      alive: ship.alive,
      kills: ship.kills,
      deaths: ship.deaths,
    };
  }
  const state: BaselineState = {
    tick: world.tick,
    phase: world.phase,
    players,
    projectiles: world.projectiles.map((p) => ({ x: pos(p.x), y: pos(p.y) })),
  };
  return JSON.stringify(state);
}

/** Whether a server text frame is a state (`{"tick":…`) rather than the welcome: one byte looked at. */
export function isStateFrame(data: Uint8Array): boolean {
  // '{"t' — states start with "tick", the welcome with "welcome".
  return data[2] === 0x74;
}
