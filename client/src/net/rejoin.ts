/**
 * Rejoining after the server went away (a restart, a crash, a network cut that outlasted the
 * SDK's own reconnection): quick play again with exponential backoff, telling the player how
 * long until the next try. Pure apart from the injected clock, so it is unit-tested.
 */
import { CloseCodes } from "../../../shared/protocol.ts";
import { Close } from "./messages.ts";

/** Delay before attempt `n` (0-based): 1 s, 2 s, 4 s, 8 s, then every 10 s. */
export function rejoinDelayMs(attempt: number): number {
  return Math.min(10_000, 1000 * 2 ** attempt);
}

/** How long to keep trying before giving the menu back to the player. */
export const REJOIN_GIVE_UP_MS = 120_000;

/**
 * How long one attempt may take before it is given up and the next is counted down (a server
 * that accepts the connection but does not answer, a join that never gets its first state).
 */
export const REJOIN_ATTEMPT_TIMEOUT_MS = 8_000;

const REJOIN_CODES: ReadonlySet<number> = new Set([
  Close.Normal,
  Close.GoingAway,
  Close.NoStatus,
  Close.Abnormal,
  CloseCodes.ServerShutdown,
  Close.FailedToReconnect,
  CloseCodes.RoomError,
]);

/** Close codes after which the client rejoins by itself (the server, not the player, ended it). */
export function shouldRejoin(code: number): boolean {
  // 1000/1001/1005/1006: connection lost; 4001: server shutting down; 4003: the SDK's own
  // reconnection failed; 4500: the room stopped after an error. Not 4000 (the player left) or
  // 4002 (a protocol violation: rejoining would repeat it).
  return REJOIN_CODES.has(code);
}

export interface RejoinHooks<T> {
  /** One quick-play attempt; rejects when the server cannot seat us yet. */
  attempt(): Promise<T>;
  /** Shown while waiting: seconds until the next attempt and the attempt number (1-based). */
  countdown(secondsLeft: number, attempt: number): void;
  /**
   * Shown while attempt number `attempt` (1-based) is in flight, e.g. with
   * {@link connectingText}; without it the last countdown stays up.
   */
  connecting?(attempt: number): void;
  /**
   * Releases what an attempt given up on (timed out, or cancelled meanwhile) delivered late
   * (default: calls its `dispose()` if it has one, so no seat stays behind).
   */
  discard?(late: T): void;
  /** How long one attempt may take (default {@link REJOIN_ATTEMPT_TIMEOUT_MS}). */
  attemptTimeoutMs?: number;
  /** Waits `ms` (a timer in the game, a fake in tests); resolves false when cancelled. */
  wait(ms: number): Promise<boolean>;
  /** Milliseconds since the rejoin started. */
  elapsed(): number;
}

/** The status line while attempt `attempt` (1-based) is in flight. */
export function connectingText(attempt: number): string {
  return `Connecting… (attempt ${attempt})`;
}

/**
 * Tries to rejoin until it works, the player cancels, or `REJOIN_GIVE_UP_MS` passes; the
 * countdown ticks every second, and an attempt that takes longer than its timeout is given up
 * (what it delivers later is discarded). Resolves with the new session, or null.
 */
export async function rejoin<T>(hooks: RejoinHooks<T>): Promise<T | null> {
  for (let attempt = 0; hooks.elapsed() < REJOIN_GIVE_UP_MS; attempt++) {
    const delay = rejoinDelayMs(attempt);
    for (let left = Math.ceil(delay / 1000); left > 0; left--) {
      hooks.countdown(left, attempt + 1);
      if (!(await hooks.wait(Math.min(1000, delay - (Math.ceil(delay / 1000) - left) * 1000)))) return null;
    }
    hooks.connecting?.(attempt + 1);
    try {
      return await withTimeout(hooks.attempt(), hooks.attemptTimeoutMs ?? REJOIN_ATTEMPT_TIMEOUT_MS, (late) =>
        (hooks.discard ?? disposeIfPossible)(late),
      );
    } catch {
      // Not up yet (or no answer in time): wait longer and try again.
    }
  }
  return null;
}

/** `promise`, or a rejection after `ms`; a value that arrives after that goes to `discard`. */
function withTimeout<T>(promise: Promise<T>, ms: number, discard: (late: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(`no answer in ${ms} ms`));
    }, ms);
    promise.then(
      (value) => {
        if (timedOut) discard(value);
        else {
          clearTimeout(timer);
          resolve(value);
        }
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function disposeIfPossible(late: unknown): void {
  const dispose = (late as { dispose?: unknown } | null)?.dispose;
  if (typeof dispose === "function") dispose.call(late);
}
