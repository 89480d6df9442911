/**
 * The gate every sound goes through: nothing before the page's first user gesture (browser
 * autoplay rules), at most one of a kind per rate-limit window, nothing audible while muted.
 * Pure (no Web Audio, no clock of its own): the caller passes the time, and a sink renders what
 * passes (synth.ts). What was played is recorded for the test hook.
 *
 * Decisions:
 * - Before {@link SoundBus.unlock} a sound is dropped without a trace: it is neither played nor
 *   recorded, and it does not start a rate-limit window.
 * - Muted (or volume 0): the sound is decided as usual (rate limit included) but recorded in
 *   {@link SoundBus.suppressed}, not in {@link SoundBus.played}, and the sink is not called. So
 *   `played` lists exactly what reached the speakers, and a test can still see that the game
 *   logic fired while muted.
 */

/** Every sound of the game. */
export const SoundNames = [
  /** You fired. */
  "shot",
  /** One of your shots hit another ship. */
  "hit",
  /** You were hit (and survived it). */
  "hurt",
  /** You destroyed another ship. */
  "kill",
  /** Your ship was destroyed. */
  "death",
  /** Your ship is back in play. */
  "respawn",
  /** A match began. */
  "match-start",
  /** A match ended (the results show). */
  "match-end",
  /** The menu's volume slider was moved: a sample at the new volume. */
  "preview",
] as const;
/** One of {@link SoundNames}. */
export type SoundName = (typeof SoundNames)[number];

/**
 * Shortest time between two sounds of one kind, ms. Your own shots come every 200 ms at most
 * (FIRE_COOLDOWN_S) but can bunch up when patches arrive late; hits on several ships at once
 * are one sound.
 */
export const DEFAULT_RATE_LIMITS_MS: Readonly<Record<SoundName, number>> = {
  shot: 60,
  hit: 50,
  hurt: 80,
  kill: 100,
  death: 500,
  respawn: 500,
  "match-start": 1000,
  "match-end": 1000,
  preview: 150,
};

/** A sound that fired, and when (the caller's clock, ms). */
export interface FiredSound {
  readonly name: SoundName;
  readonly at: number;
}

/** What became of one {@link SoundBus.fire} call. */
export type FireResult = "played" | "suppressed" | "limited" | "locked";

export interface SoundBusOptions {
  /** Renders a sound that passed the gate (the Web Audio synthesiser). */
  readonly sink?: (name: SoundName) => void;
  /** Overrides of {@link DEFAULT_RATE_LIMITS_MS}. */
  readonly rateLimitsMs?: Partial<Record<SoundName, number>>;
  /** How many fired sounds each record keeps (the oldest are dropped), default 500. */
  readonly historyLimit?: number;
}

export class SoundBus {
  private unlockedAt: number | null = null;
  private silent = false;
  private readonly lastAt = new Map<SoundName, number>();
  private readonly playedLog: FiredSound[] = [];
  private readonly suppressedLog: FiredSound[] = [];
  private readonly limits: Readonly<Record<SoundName, number>>;
  private readonly historyLimit: number;

  constructor(private readonly options: SoundBusOptions = {}) {
    this.limits = { ...DEFAULT_RATE_LIMITS_MS, ...options.rateLimitsMs };
    this.historyLimit = options.historyLimit ?? 500;
  }

  /** Whether the first user gesture has unlocked audio. */
  get unlocked(): boolean {
    return this.unlockedAt !== null;
  }

  /** Audio may play from now on (called once the AudioContext runs after a user gesture). */
  unlock(nowMs: number): void {
    this.unlockedAt ??= nowMs;
  }

  /** Muted, or the volume at 0: sounds are recorded as suppressed instead of played. */
  setSilent(silent: boolean): void {
    this.silent = silent;
  }

  /** Plays `name` at `nowMs` if the gate lets it through; says what happened. */
  fire(name: SoundName, nowMs: number): FireResult {
    if (this.unlockedAt === null) return "locked";
    const last = this.lastAt.get(name);
    if (last !== undefined && nowMs - last < this.limits[name]) return "limited";
    this.lastAt.set(name, nowMs);
    if (this.silent) {
      this.record(this.suppressedLog, { name, at: nowMs });
      return "suppressed";
    }
    this.record(this.playedLog, { name, at: nowMs });
    this.options.sink?.(name);
    return "played";
  }

  /** Sounds that were played, oldest first (a copy). */
  played(): FiredSound[] {
    return [...this.playedLog];
  }

  /** Sounds that fired while muted, oldest first (a copy). */
  suppressed(): FiredSound[] {
    return [...this.suppressedLog];
  }

  private record(log: FiredSound[], sound: FiredSound): void {
    log.push(sound);
    if (log.length > this.historyLimit) log.splice(0, log.length - this.historyLimit);
  }
}
