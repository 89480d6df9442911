/**
 * One headless player: joins an arena through the client's own session module, turns each
 * view into an input frame with the brain, and rejoins with exponential backoff when its
 * session ends without being asked to. It owns no timer of its own while playing: whoever
 * drives it (one interval for a whole swarm) calls {@link Bot.step} about once per tick.
 *
 * Like a browser, a bot signs in (`POST /auth/guest`) before it matchmakes: the session module
 * does that and puts the guest token on the SDK client (`client.auth.token`). Each bot keeps its
 * token in its own memory (never a storage shared by the process), so it rejoins as the same
 * player and no two bots share a player id.
 */
import type { NetworkConditions } from "../client/src/net/network-sim.ts";
import { GameSession, type SessionOptions } from "../client/src/net/session.ts";
import type { CloseInfo, GameSnapshot, Session } from "../client/src/net/types.ts";
import { CloseCodes } from "../shared/protocol.ts";
import { ARENA_MAP, type ArenaMap } from "../shared/map.ts";
import type { InputFrame } from "../shared/sim/step.ts";
import { createBrainMemory, decide, IDLE_FRAME, type BrainMemory } from "./brain.ts";

/** How a bot rejoins after losing its session. */
export interface BackoffOptions {
  /** Wait before the first retry, ms; doubled after every failure. */
  readonly minDelayMs: number;
  /** Longest wait between two attempts, ms. */
  readonly maxDelayMs: number;
  /** Join attempts per outage (the first join included) before the bot gives up. */
  readonly maxAttempts: number;
}

/** Default backoff: 250 ms, 500 ms, 1 s ... 5 s, eight attempts (about 20 s in all). */
export const DEFAULT_BACKOFF: BackoffOptions = { minDelayMs: 250, maxDelayMs: 5000, maxAttempts: 8 };

/** Wait before retry number `attempt` (1-based) under `backoff`. */
export function backoffDelay(attempt: number, backoff: BackoffOptions): number {
  return Math.min(backoff.maxDelayMs, backoff.minDelayMs * 2 ** Math.max(0, attempt - 1));
}

/** Opens a session; {@link GameSession.connect} unless a test injects another. */
export type ConnectFn = (url: string, name: string, options: SessionOptions) => Promise<Session>;

/** What a bot needs to play. */
export interface BotOptions {
  readonly url: string;
  readonly name: string;
  /** Seeds every random choice of the brain. */
  readonly seed: number;
  /** The layout the server plays on (the brain steers by it); ARENA_MAP by default. */
  readonly map?: ArenaMap;
  /** Simulated latency on the bot's link (see {@link NetworkConditions}). */
  readonly network?: NetworkConditions;
  /** Rejoining after the session ended; {@link DEFAULT_BACKOFF} by default. */
  readonly backoff?: Partial<BackoffOptions>;
  /** The SDK's own resume of a dropped seat (see {@link SessionOptions.reconnection}). */
  readonly resume?: SessionOptions["reconnection"];
  /** A join that takes longer counts as failed, ms (default 10 000). */
  readonly joinTimeoutMs?: number;
  /** Notes worth telling a human (joins failed, reconnects, closes). */
  readonly log?: (message: string) => void;
  readonly connect?: ConnectFn;
}

/** Where a bot is in its life. */
export type BotState = "idle" | "joining" | "playing" | "rejoining" | "stopped" | "failed";

/** Counters a bot keeps; read them at any time. */
export interface BotStats {
  /** Successful joins: the first one and every rejoin. */
  joins: number;
  /** Join attempts that failed (unreachable server, rejected, timed out). */
  joinsFailed: number;
  /** Drops the SDK recovered on its own, keeping the seat. */
  resumes: number;
  /** Every recovery from a lost connection: resumes plus rejoins. */
  reconnects: number;
  kills: number;
  deaths: number;
  /** Decisions (about one per tick) with the trigger held. */
  shots: number;
  /** How far the bot's own ship went, px, as its client saw it. */
  distance: number;
  /** Close code of the last session that ended, or null. */
  lastCloseCode: number | null;
  /** Why the last join failed or the last session ended. */
  lastError: string | null;
  /** Last measured round trip, ms. */
  ping: number | null;
  /** Server-wide live events received (the `live` room message), and the id of the last one. */
  liveEvents: number;
  lastLiveId: string | null;
}

/** A jump larger than this between two steps is a respawn, not travel, px. */
const TELEPORT_PX = 100;

/** One headless player. */
export class Bot {
  readonly name: string;
  private readonly options: BotOptions;
  private readonly backoff: BackoffOptions;
  private readonly memory: BrainMemory;
  private readonly map: ArenaMap;
  private readonly connectFn: ConnectFn;
  private readonly statsData: BotStats = {
    joins: 0,
    joinsFailed: 0,
    resumes: 0,
    reconnects: 0,
    kills: 0,
    deaths: 0,
    shots: 0,
    distance: 0,
    lastCloseCode: null,
    lastError: null,
    ping: null,
    liveEvents: 0,
    lastLiveId: null,
  };
  private stateValue: BotState = "idle";
  private session: Session | null = null;
  private unsubscribe: (() => void)[] = [];
  private joining: Promise<boolean> | null = null;
  private stopping = false;
  private lastView: GameSnapshot | null = null;
  /** What the next step sends: decided on the last view (nothing before the first). */
  private nextFrame: InputFrame = IDLE_FRAME;
  private lastConnection: GameSnapshot["connection"] = "connected";
  private lastPos: { x: number; y: number } | null = null;
  private waitTimer: ReturnType<typeof setTimeout> | null = null;
  private wake: (() => void) | null = null;
  private closeWaiters: (() => void)[] = [];
  /** Where this bot's guest token is kept between joins. */
  private readonly identity: Storage = new MemoryStorage();

  constructor(options: BotOptions) {
    this.options = options;
    this.name = options.name;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.memory = createBrainMemory(options.seed);
    this.map = options.map ?? ARENA_MAP;
    this.connectFn =
      options.connect ?? ((url, name, o) => GameSession.connect(url, name, { ...o, identityStorage: this.identity }));
  }

  /** Where the bot is in its life. */
  get state(): BotState {
    return this.stateValue;
  }

  /** The bot's counters (live object; copy it to keep a moment's values). */
  get stats(): Readonly<BotStats> {
    return this.statsData;
  }

  /** True while seated with a live connection (not while the SDK resumes a dropped one). */
  get connected(): boolean {
    return this.session !== null && this.lastConnection === "connected";
  }

  /** Session id of the current seat, or null while not seated. */
  get selfId(): string | null {
    return this.session?.selfId ?? null;
  }

  /** The room of the current seat, or null while not seated. */
  get roomId(): string | null {
    return this.session?.roomId ?? null;
  }

  /** Latest simulation tick received from the server in this seat (advances while state arrives). */
  get serverTick(): number | null {
    return this.session?.debugInfo(performance.now()).serverTick ?? null;
  }

  /** The last view the bot decided on, or null. */
  get view(): GameSnapshot | null {
    return this.lastView;
  }

  /** Joins (retrying with backoff); resolves true once seated, false if it gave up or was stopped. */
  start(): Promise<boolean> {
    if (this.stateValue !== "idle") return this.joining ?? Promise.resolve(this.session !== null);
    this.joining = this.joinLoop(false);
    return this.joining;
  }

  /**
   * One frame, in the order the SDK's prediction asks for (and GameScene follows): hand the
   * session the frame decided on the last view (it paces the sends), then read the new view
   * and decide the next frame on it. Reading predicted values before the frame's sends would
   * see them one step stale.
   */
  step(nowMs: number): void {
    const session = this.session;
    if (session === null) return;
    const frame = this.nextFrame;
    if (frame.fire) this.statsData.shots += 1;
    session.update(nowMs, frame);
    const view = session.snapshot(nowMs);
    this.lastView = view;
    this.statsData.ping = view.ping;
    if (this.lastConnection === "reconnecting" && view.connection === "connected") {
      this.statsData.resumes += 1;
      this.statsData.reconnects += 1;
      this.options.log?.(`${this.name}: connection resumed`);
    }
    this.lastConnection = view.connection;
    this.trackDistance(view);
    this.nextFrame = decide(view, this.memory, this.map);
  }

  /** Leaves on purpose and waits (at most `timeoutMs`) for the room to confirm; no rejoin after. */
  async stop(timeoutMs = 3000): Promise<void> {
    if (this.stateValue === "stopped") return;
    this.stopping = true;
    this.cancelWait();
    if (this.joining !== null) await within(this.joining, timeoutMs);
    const session = this.session;
    if (session !== null) {
      const closed = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
      session.leave();
      await within(closed, timeoutMs);
      this.detach(session);
    }
    this.stateValue = "stopped";
  }

  private async joinLoop(afterDrop: boolean): Promise<boolean> {
    try {
      for (let attempt = 1; ; attempt++) {
        // After a drop even the first attempt waits a little; a first join starts at once.
        const retry = afterDrop ? attempt : attempt - 1;
        if (retry > 0) await this.wait(backoffDelay(retry, this.backoff));
        if (this.stopping) return false;
        this.stateValue = this.statsData.joins === 0 ? "joining" : "rejoining";
        try {
          this.attach(await this.connectOnce());
          return true;
        } catch (error) {
          this.statsData.joinsFailed += 1;
          this.statsData.lastError = error instanceof Error ? error.message : String(error);
          this.options.log?.(`${this.name}: join failed (${this.statsData.lastError})`);
          if (attempt >= this.backoff.maxAttempts) {
            this.stateValue = "failed";
            return false;
          }
        }
      }
    } finally {
      this.joining = null;
    }
  }

  /** One join, bounded; a session that arrives after the deadline is left at once. */
  private async connectOnce(): Promise<Session> {
    const sessionOptions: SessionOptions = {
      ...(this.options.network !== undefined ? { network: this.options.network } : {}),
      ...(this.options.resume !== undefined ? { reconnection: this.options.resume } : {}),
    };
    const pending = this.connectFn(this.options.url, this.name, sessionOptions);
    const timeoutMs = this.options.joinTimeoutMs ?? 10_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`join timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([pending, deadline]);
    } catch (error) {
      pending.then(
        (late) => late.dispose(),
        () => undefined,
      );
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private attach(session: Session): void {
    if (this.stateValue === "stopped") {
      session.dispose();
      return;
    }
    this.session = session;
    this.nextFrame = IDLE_FRAME;
    this.statsData.joins += 1;
    if (this.statsData.joins > 1) {
      this.statsData.reconnects += 1;
      this.options.log?.(`${this.name}: rejoined`);
    }
    this.stateValue = "playing";
    this.lastConnection = "connected";
    this.lastPos = null;
    const id = session.selfId;
    this.unsubscribe = [
      session.onKill((e) => {
        if (e.victimId === id) this.statsData.deaths += 1;
        else if (e.killerId === id) this.statsData.kills += 1;
      }),
      session.onClosed((info) => this.onClosed(session, info)),
      ...(session.onLive !== undefined
        ? [
            session.onLive((event) => {
              this.statsData.liveEvents += 1;
              this.statsData.lastLiveId = event.id;
            }),
          ]
        : []),
    ];
  }

  private onClosed(session: Session, info: CloseInfo): void {
    this.statsData.lastCloseCode = info.code;
    // Disposing inside the session's own close notification is not safe: do it just after.
    queueMicrotask(() => this.detach(session));
    for (const resolve of this.closeWaiters.splice(0)) resolve();
    if (this.stopping) return;
    this.statsData.lastError = info.reason;
    this.options.log?.(`${this.name}: session closed (${info.code}: ${info.reason}), rejoining`);
    this.stateValue = "rejoining";
    if (this.joining === null) this.joining = this.joinLoop(true);
  }

  /** Forgets the session and disposes it (once: a session no longer current was already). */
  private detach(session: Session): void {
    if (this.session !== session) return;
    this.session = null;
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    session.dispose();
  }

  private trackDistance(view: GameSnapshot): void {
    const self = view.players.find((p) => p.id === view.selfId);
    if (self === undefined || !self.alive) {
      this.lastPos = null;
      return;
    }
    if (this.lastPos !== null) {
      const d = Math.hypot(self.x - this.lastPos.x, self.y - this.lastPos.y);
      if (d < TELEPORT_PX) this.statsData.distance += d;
    }
    this.lastPos = { x: self.x, y: self.y };
  }

  /** Sleeps `ms`, or less if `stop()` wakes it. */
  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.waitTimer = setTimeout(() => {
        this.waitTimer = null;
        this.wake = null;
        resolve();
      }, ms);
    });
  }

  private cancelWait(): void {
    if (this.waitTimer !== null) clearTimeout(this.waitTimer);
    this.waitTimer = null;
    this.wake?.();
    this.wake = null;
  }
}

/** True when a bot's last session ended with a consented leave. */
export function leftCleanly(bot: Bot): boolean {
  return bot.state === "stopped" && bot.stats.lastCloseCode === CloseCodes.Consented;
}

/** Waits for `promise`, but at most `ms`. */
function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([promise.then(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

/** A `Storage` in memory: one bot's guest token, kept across its rejoins and never shared. */
export class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();

  get length(): number {
    return this.items.size;
  }

  clear(): void {
    this.items.clear();
  }

  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }

  key(index: number): string | null {
    return Array.from(this.items.keys())[index] ?? null;
  }

  removeItem(key: string): void {
    this.items.delete(key);
  }

  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
}
