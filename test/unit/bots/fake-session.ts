/**
 * A stand-in for the client's `GameSession` (the `Session` interface), so the bot's lifecycle
 * (join, play, drop, rejoin, leave) runs without a server: the test decides what the session
 * shows and when it closes.
 */
import { ARENA_MAP } from "../../../shared/map.ts";
import type { ChatLine } from "../../../shared/chat.ts";
import type { WelcomeMessage } from "../../../shared/protocol.ts";
import type { SessionOptions } from "../../../client/src/net/session.ts";
import type { CloseInfo, DebugInfo, GameSnapshot, KillEvent, Session } from "../../../client/src/net/types.ts";
import type { ConnectFn } from "../../../bots/bot.ts";
import type { InputFrame } from "../../../shared/sim/step.ts";

/** A session whose view, kills and close the test drives. */
export class FakeSession implements Session {
  readonly frames: InputFrame[] = [];
  left = false;
  disposed = false;
  connection: GameSnapshot["connection"] = "connected";
  ping: number | null = 12;
  private readonly killListeners = new Set<(e: KillEvent) => void>();
  private readonly closeListeners = new Set<(i: CloseInfo) => void>();

  constructor(
    readonly selfId: string,
    readonly options: SessionOptions,
  ) {}

  readonly map = ARENA_MAP;

  snapshot(nowMs: number): GameSnapshot {
    const snap = this.rawSnapshot(nowMs);
    return { ...snap, pilots: snap.players.map((p) => ({ ...p, near: true })) };
  }

  private rawSnapshot(nowMs: number): Omit<GameSnapshot, "pilots"> {
    return {
      selfId: this.selfId,
      tick: nowMs / (1000 / 30),
      renderTick: nowMs / (1000 / 30),
      tickRate: 30,
      phase: 0,
      phaseEndsTick: 1e6,
      matchNumber: 1,
      ping: this.ping,
      connection: this.connection,
      players: [
        {
          id: this.selfId,
          name: "me",
          x: 300 + (nowMs % 1000) / 10,
          y: 600,
          aim: 0,
          hp: 100,
          alive: true,
          shielded: false,
          respawnTick: 0,
          kills: 0,
          deaths: 0,
          color: 0,
          isSelf: true,
        },
        {
          id: "enemy",
          name: "enemy",
          x: 700,
          y: 600,
          aim: 0,
          hp: 100,
          alive: true,
          shielded: false,
          respawnTick: 0,
          kills: 0,
          deaths: 0,
          color: 1,
          isSelf: false,
        },
      ],
      projectiles: [],
    };
  }

  update(_nowMs: number, controls: InputFrame): void {
    this.frames.push(controls);
  }

  onKill(listener: (event: KillEvent) => void): () => void {
    this.killListeners.add(listener);
    return () => this.killListeners.delete(listener);
  }

  onClosed(listener: (info: CloseInfo) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Chat lines sent through this session. */
  readonly sentChat: string[] = [];
  readonly roomId = "fake-room";

  onChat(_listener: (line: ChatLine) => void): () => void {
    return () => undefined;
  }

  sendChat(text: string): void {
    this.sentChat.push(text);
  }

  info(): WelcomeMessage | null {
    return { playerId: "fake-player", role: "player", mode: "quick", code: null, processId: "fake-process" };
  }

  /** Leaving is confirmed by the room a moment later, with 4000. */
  debugInfo(): DebugInfo {
    return {
      rttMs: null,
      serverTick: 0,
      lastAckedInput: 0,
      pendingInputs: 0,
      lastCorrectionPx: 0,
      totalCorrectionPx: 0,
      interpolationDelayMs: 0,
      bufferedPatches: 0,
      downBytesPerSec: 0,
      upBytesPerSec: 0,
    };
  }

  leave(): void {
    this.left = true;
    setTimeout(() => this.close(4000), 5);
  }

  dispose(): void {
    this.disposed = true;
  }

  /** The room reports a kill. */
  kill(killerId: string, victimId: string): void {
    for (const l of this.killListeners) l({ killerId, victimId, killerName: killerId, victimName: victimId });
  }

  /** The session ends with `code`. */
  close(code: number): void {
    for (const l of [...this.closeListeners]) l({ code, reason: `closed ${code}` });
  }
}

/** How one scripted join goes: seated, rejected, or seated only after `lateMs`. */
export type JoinOutcome = "ok" | Error | { readonly lateMs: number };

/** A scripted connect: each call takes the next outcome (then "ok" once the script runs out). */
export function scriptedConnect(outcomes: JoinOutcome[]): {
  connect: ConnectFn;
  sessions: FakeSession[];
  calls: number[];
} {
  const sessions: FakeSession[] = [];
  const calls: number[] = [];
  let n = 0;
  const connect: ConnectFn = (_url, _name, options) => {
    calls.push(Date.now());
    const outcome = outcomes[n++] ?? "ok";
    if (outcome instanceof Error) return Promise.reject(outcome);
    const s = new FakeSession(`s${sessions.length + 1}`, options);
    sessions.push(s);
    if (outcome === "ok") return Promise.resolve(s);
    return new Promise<Session>((resolve) => setTimeout(() => resolve(s), outcome.lateMs));
  };
  return { connect, sessions, calls };
}
