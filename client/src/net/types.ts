/**
 * The plain data the network layer hands to scenes. No SDK or engine types: scenes and
 * renderers depend on these shapes only, so they run against a fake session in tests.
 */
import type { ChatLine } from "../../../shared/chat.ts";
import type { LiveEvent } from "../../../shared/live.ts";
import type { ArenaMap } from "../../../shared/map.ts";
import type { WelcomeMessage } from "../../../shared/protocol.ts";
import type { InputFrame } from "../../../shared/sim/step.ts";

/** State of the link to the room. */
export type ConnectionStatus = "connected" | "reconnecting" | "closed";

/** One ship, as it should be drawn now. */
export interface PlayerView {
  readonly id: string;
  readonly name: string;
  /** Interpolated position, px. */
  readonly x: number;
  readonly y: number;
  /** Facing in radians (interpolated, may lie outside [0, 2π)). */
  readonly aim: number;
  readonly hp: number;
  readonly alive: boolean;
  readonly shielded: boolean;
  /** Tick at which a destroyed ship respawns (meaningful while `alive` is false). */
  readonly respawnTick: number;
  readonly kills: number;
  readonly deaths: number;
  /** Palette index of the ship's colour (`SHIP_PALETTE`, shared/palette.ts). */
  readonly color: number;
  readonly isSelf: boolean;
}

/**
 * Every pilot of the room, near or far: what the scoreboard and the edge arrows need. In a large
 * room only near ships are in `players`; far pilots have a coarse position (`near` false).
 */
export interface PilotView {
  readonly id: string;
  readonly name: string;
  readonly kills: number;
  readonly deaths: number;
  readonly alive: boolean;
  readonly x: number;
  readonly y: number;
  /** True when the ship is in `players` (exact position); false: coarse, from the roster. */
  readonly near: boolean;
  /** Palette index of the ship's colour. */
  readonly color: number;
  readonly isSelf: boolean;
}

/** One projectile in flight, as it should be drawn now. */
export interface ProjectileView {
  readonly id: string;
  readonly ownerId: string;
  readonly x: number;
  readonly y: number;
  /** Unit direction of flight (for trails). */
  readonly dirX: number;
  readonly dirY: number;
}

/** Everything a frame needs to draw the match. */
export interface GameSnapshot {
  readonly selfId: string;
  /** Estimated fractional server tick, now. */
  readonly tick: number;
  /** Tick at which ships and projectiles are drawn (interpolation delay behind `tick`). */
  readonly renderTick: number;
  readonly tickRate: number;
  /** 0 = playing, 1 = results. */
  readonly phase: number;
  readonly phaseEndsTick: number;
  readonly matchNumber: number;
  /** Last measured round trip in ms, or null before the first measurement. */
  readonly ping: number | null;
  readonly connection: ConnectionStatus;
  /** Ships to draw (in a large room: those near yours). */
  readonly players: readonly PlayerView[];
  /** Every pilot of the room (the scoreboard, player count and edge arrows). */
  readonly pilots: readonly PilotView[];
  readonly projectiles: readonly ProjectileView[];
}

/** A ship was destroyed. */
export interface KillEvent {
  readonly killerId: string;
  readonly victimId: string;
  readonly killerName: string;
  readonly victimName: string;
}

/** Why the session ended, ready to show. */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

/** The netcode's figures, for the debug overlay (F3). */
export interface DebugInfo {
  /** Last measured round trip, ms (null before the first). */
  readonly rttMs: number | null;
  /** Latest simulation tick received from the server. */
  readonly serverTick: number;
  /** Last of your inputs the server acknowledged, and how many are in flight after it. */
  readonly lastAckedInput: number;
  readonly pendingInputs: number;
  /** Distance between your predicted ship and the server's at the last acknowledgement, px. */
  readonly lastCorrectionPx: number;
  readonly totalCorrectionPx: number;
  /** How far behind other ships are drawn, ms, and how many patches are buffered ahead. */
  readonly interpolationDelayMs: number;
  readonly bufferedPatches: number;
  readonly downBytesPerSec: number;
  readonly upBytesPerSec: number;
}

/** What scenes need from a live match connection (implemented by `GameSession`). */
export interface Session {
  readonly selfId: string;
  /** The arena to draw. */
  readonly map: ArenaMap;
  /** The state to draw at local time `nowMs` (performance.now()). */
  snapshot(nowMs: number): GameSnapshot;
  /** Called once per rendered frame: sends one input frame per simulation tick that elapsed. */
  update(nowMs: number, controls: InputFrame): void;
  /** Subscribes to kills; returns the unsubscribe function. */
  onKill(listener: (event: KillEvent) => void): () => void;
  /** Subscribes to the end of the session; returns the unsubscribe function. */
  onClosed(listener: (info: CloseInfo) => void): () => void;
  /** Subscribes to chat lines (recent history first); returns the unsubscribe function. */
  onChat(listener: (line: ChatLine) => void): () => void;
  /**
   * Subscribes to the server-wide live feed (the `live` room message, checked; events that
   * arrived before anyone listened come first); returns the unsubscribe function. Optional:
   * stand-in sessions may have no feed.
   */
  onLive?(listener: (event: LiveEvent) => void): () => void;
  /** Sends a chat line (the server checks and rate-limits it). */
  sendChat(text: string): void;
  /** Your seat: player or spectator, the room's mode and code; null until the server said. */
  info(): WelcomeMessage | null;
  /** The room id (the join code of a private room). */
  readonly roomId: string;
  /** The netcode's figures at local time `nowMs`, for the debug overlay. */
  debugInfo(nowMs: number): DebugInfo;
  /** Leaves the room on purpose (the session then closes with code 4000). */
  leave(): void;
  /** Stops timers and drops listeners; leaves the room if still connected. */
  dispose(): void;
}
