/**
 * The match connection: the one module that talks to the Colyseus SDK. It joins the arena,
 * interpolates the decoded state, paces inputs to the server's tick, measures ping, and hands
 * scenes plain data ({@link GameSnapshot}) and plain events. Scenes never see SDK types.
 *
 * Other ships are drawn ~100 ms in the past (interpolation between patches on the tick axis,
 * remote-ships.ts); your own ship is predicted (own-ship.ts): it moves on the frame you press a
 * key and is reconciled with the server's acknowledged state.
 */
import { Client } from "@colyseus/sdk";
import { Predict } from "@colyseus/sdk/predict";
import {
  DEFAULT_MATCH_SECONDS,
  DEFAULT_TICK_RATE,
  INPUT_BUFFER_MAX,
  RESULTS_SECONDS,
  TELEPORT_PX,
} from "../../../shared/constants.ts";
import { mapById, type ArenaMap } from "../../../shared/map.ts";
import { ClientMessage, ServerMessage, type KillMessage, type WelcomeMessage } from "../../../shared/protocol.ts";
import type { ChatLine } from "../../../shared/chat.ts";
import { LIVE_HISTORY, LIVE_MESSAGE, type LiveEvent } from "../../../shared/live.ts";
import { PlayerInput, type AnyArenaState, type ProjectileState } from "../../../shared/schema.ts";
import type { InputFrame } from "../../../shared/sim/step.ts";
import { createConfig, Phase } from "../../../shared/sim/world.ts";
import { signIn } from "./identity.ts";
import { toLiveEvent } from "./live-feed.ts";
import { joinTarget, type JoinTarget } from "./join-target.ts";
import { Close, describeClose, describeJoinError } from "./messages.ts";
import { ProcessWatch } from "./process-watch.ts";
import { OwnShipPrediction, type PredictionStats } from "./own-ship.ts";
import { setMaxStepsPerFrame } from "./sdk-seam.ts";
import { hasNetworkEffects, simulateNetwork, type NetworkConditions } from "./network-sim.ts";
import { batchInputs, type InputBatcher } from "./input-batch.ts";
import type { TokenStore } from "./resume-token.ts";
import { countTraffic, type TrafficCounter } from "./traffic.ts";
import {
  flightAge,
  flightTicks,
  projectileAt,
  projectileLifetimeTicks,
  projectileSpeedPerTick,
  shooterOf,
  type ProjectileLaunch,
} from "./projectiles.ts";
import { headingVx, headingVy } from "../../../shared/sim/heading.ts";
import { TickClock } from "./tick-clock.ts";
import { RemoteShips } from "./remote-ships.ts";
import type {
  CloseInfo,
  ConnectionStatus,
  DebugInfo,
  GameSnapshot,
  KillEvent,
  PilotView,
  PlayerView,
  ProjectileView,
  Session,
} from "./types.ts";

/** How far in the past remote state is drawn, in ms (about two patch intervals). */
export const INTERPOLATION_DELAY_MS = 100;
/** How long a resumed seat may still count as connected (the old page's socket closing). */
const RESUME_PATIENCE_MS = 4000;
/** How often the round trip is measured. */
const PING_INTERVAL_MS = 2000;

/** A projectile the client has seen, with how far along its path it may be drawn. */
interface TrackedShot {
  /** The state entry it was read from (a key comes back, for a new projectile, much later). */
  readonly entry: ProjectileState;
  readonly launch: ProjectileLaunch;
  readonly ownerId: string;
  readonly dirX: number;
  readonly dirY: number;
  /** Ticks of flight after which it is no longer drawn (wall, lifetime or hit). */
  maxFlight: number;
  /** True once the server has removed it. */
  gone: boolean;
}

type ArenaRoom = Awaited<ReturnType<typeof joinTarget>>;

/** How long a joined room may take to send its first full state. */
const FIRST_STATE_TIMEOUT_MS = 10_000;

/** Resolves when the room's first full state has been decoded. */
function firstState(room: ArenaRoom): Promise<void> {
  if (typeof room.state?.map === "string" && room.state.map !== "") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the room sent no state")), FIRST_STATE_TIMEOUT_MS);
    room.onStateChange.once(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Options of {@link GameSession.connect}; the browser game passes none. */
export interface SessionOptions {
  /** Where to go: quick play (the default), a private room, a code, a room to watch, a seat. */
  readonly target?: JoinTarget;
  /** Where the guest token is kept (default: localStorage; none for bots and tests). */
  readonly identityStorage?: Storage;
  /** Delay every outgoing and incoming frame after the join (see {@link NetworkConditions}). */
  readonly network?: NetworkConditions;
  /** Where to keep the reconnection token, so a page reload can resume (see resume-token.ts). */
  readonly tokenStore?: TokenStore;
  /** Put two ticks of input in each WebSocket message (input-batch.ts); default true. */
  readonly batchInputs?: boolean;
  /** Overrides of the SDK's automatic reconnection after a drop (seat kept). */
  readonly reconnection?: {
    /** Session age in ms below which a drop is not retried (SDK default 5000). */
    readonly minUptimeMs?: number;
    /** Attempts before giving up and closing (SDK default 15). */
    readonly maxRetries?: number;
  };
}

/** A live seat in an arena room. */
export class GameSession implements Session {
  /**
   * Joins (or opens) an arena as `name`. Rejects with an `Error` whose message is ready to
   * show (unreachable server, rejected name, full room...).
   */
  static async connect(serverUrl: string, name: string, options: SessionOptions = {}): Promise<GameSession> {
    let room: ArenaRoom;
    try {
      const identity = await signIn(serverUrl, name, options.identityStorage ?? globalThis.localStorage);
      const client = new Client(serverUrl);
      client.auth.token = identity.token;
      room = await joinTarget(client, serverUrl, options.target ?? { kind: "quick" }, identity.name);
    } catch (error) {
      throw new Error(describeJoinError(error, serverUrl), { cause: error });
    }
    return GameSession.start(room, options, serverUrl).catch((error: unknown) => {
      // A seat we took but cannot use must not stay behind as a ghost ship.
      room.leave(true).catch(() => undefined);
      throw new Error(describeJoinError(error, serverUrl), { cause: error });
    });
  }

  /**
   * Resumes a seat from a reconnection token (a page reload): the same ship, score and session.
   * While the server has not yet noticed the old page's socket close, the seat still counts as
   * connected (409): that is retried for up to `patienceMs`. Rejects when the seat is gone.
   */
  static async resume(
    serverUrl: string,
    token: string,
    options: SessionOptions = {},
    patienceMs = RESUME_PATIENCE_MS,
  ): Promise<GameSession> {
    const deadline = performance.now() + patienceMs;
    for (;;) {
      try {
        const room: ArenaRoom = await new Client(serverUrl).reconnect<AnyArenaState>(token);
        return await GameSession.start(room, options, serverUrl);
      } catch (error) {
        const stillConnected = (error as { code?: unknown }).code === 409;
        if (!stillConnected || performance.now() > deadline) {
          throw new Error(describeJoinError(error, serverUrl), { cause: error });
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  /**
   * Wraps a joined room. Resolves once the first full state arrived (it names the map to draw
   * and predict on); the traffic counter and the network simulator are in place before it.
   */
  private static async start(room: ArenaRoom, options: SessionOptions, serverUrl: string): Promise<GameSession> {
    const { reconnection, network } = options;
    if (reconnection?.minUptimeMs !== undefined) room.reconnection.minUptime = reconnection.minUptimeMs;
    if (reconnection?.maxRetries !== undefined) room.reconnection.maxRetries = reconnection.maxRetries;
    const traffic = countTraffic(room.connection);
    // The simulator is wrapped around the socket only when asked for: no cost otherwise.
    if (network !== undefined && hasNetworkEffects(network)) simulateNetwork(room.connection, network);
    // Outermost, so the simulator and the counter see the batches that go on the wire.
    const batcher = options.batchInputs === false ? null : batchInputs(room.connection);
    await firstState(room);
    const watch = new ProcessWatch({ healthzUrl: `${serverUrl.replace(/\/+$/, "")}/healthz` });
    return new GameSession(room, traffic, options.tokenStore ?? null, batcher, watch);
  }

  readonly selfId: string;
  /** The arena this room plays on (from the state). */
  readonly map: ArenaMap;
  private readonly predict;
  private readonly input;
  private readonly clock = new TickClock(DEFAULT_TICK_RATE);
  private own: OwnShipPrediction | null = null;
  /** The frame time `predict.tick` last ran for, and the steps it found due not yet sent. */
  private tickedAt = Number.NaN;
  private dueSteps = 0;
  /** Arrival times of recent patches: those newer than the render time are the buffer. */
  private readonly patchTimes: number[] = [];
  private readonly shots = new Map<string, TrackedShot>();
  /** Other ships' recent positions by tick, drawn in between. */
  private readonly remotes = new RemoteShips(TELEPORT_PX);
  private readonly killListeners = new Set<(event: KillEvent) => void>();
  private readonly chatListeners = new Set<(line: ChatLine) => void>();
  /** Chat lines that arrived before a scene listened (the history sent on join). */
  private readonly chatBacklog: ChatLine[] = [];
  private readonly liveListeners = new Set<(event: LiveEvent) => void>();
  /** Live events that arrived before a scene listened. */
  private readonly liveBacklog: LiveEvent[] = [];
  private welcomeInfo: WelcomeMessage | null = null;
  private readonly closeListeners = new Set<(info: CloseInfo) => void>();
  private readonly pingTimer: ReturnType<typeof setInterval>;
  private lifetimeTicks = projectileLifetimeTicks(DEFAULT_TICK_RATE);
  private projectileSpeed = projectileSpeedPerTick(DEFAULT_TICK_RATE);
  private lastPatchTick = -1;
  private seq = 0;
  private ping: number | null = null;
  private status: ConnectionStatus = "connected";
  private closed: CloseInfo | null = null;
  private cached: { now: number; snapshot: GameSnapshot } | null = null;

  private constructor(
    private readonly room: ArenaRoom,
    private readonly traffic: TrafficCounter,
    private readonly tokens: TokenStore | null,
    private readonly batcher: InputBatcher | null = null,
    private readonly processWatch: ProcessWatch | null = null,
  ) {
    // The token rotates on every (re)join: keep the newest, forget it once the seat is gone.
    tokens?.save(room.reconnectionToken);
    this.selfId = room.sessionId;
    this.map = mapById(room.state.map ?? "standard");
    this.input = room.input<PlayerInput>({ mode: "reliable", type: PlayerInput });

    setMaxStepsPerFrame(INPUT_BUFFER_MAX);
    this.predict = Predict.get(room, { mode: "lerp", delay: INTERPOLATION_DELAY_MS });
    // Your own ship's facing; its position comes from the reconciler, the other ships' from
    // the tick-axis interpolation (remote-ships.ts).
    this.predict.attachAll("players", { aim: { mode: "lerp", angle: true } });

    this.onPatch(room.state);
    room.onStateChange((state) => this.onPatch(state));
    room.onMessage(ServerMessage.Kill, (msg: KillMessage) => this.emitKill(msg));
    room.onMessage(ServerMessage.Welcome, (msg: WelcomeMessage) => {
      this.welcomeInfo = msg;
    });
    room.onMessage(ServerMessage.Chat, (line: ChatLine) => {
      if (this.chatListeners.size === 0) {
        this.chatBacklog.push(line);
        if (this.chatBacklog.length > 50) this.chatBacklog.shift();
      }
      for (const listener of this.chatListeners) listener(line);
    });
    // The server-wide live feed (shared/live.ts); anything that fails the schema is dropped.
    room.onMessage(LIVE_MESSAGE, (payload: unknown) => {
      const event = toLiveEvent(payload);
      if (event === null) return;
      if (this.liveListeners.size === 0) {
        this.liveBacklog.push(event);
        if (this.liveBacklog.length > LIVE_HISTORY) this.liveBacklog.shift();
      }
      for (const listener of this.liveListeners) listener(event);
    });
    room.onDrop(() => {
      // Inputs of the lost socket are not replayed on the next one (the SDK starts afresh).
      this.batcher?.reset();
      this.status = "reconnecting";
      // If the room's process is gone, no retry can bring the seat back: end now (rejoin.ts).
      const processId = this.welcomeInfo?.processId;
      if (processId !== undefined) this.processWatch?.start(processId, () => this.roomGone());
    });
    room.onReconnect(() => {
      this.processWatch?.stop();
      this.tokens?.save(room.reconnectionToken);
      this.status = "connected";
      this.dueSteps = 0;
      this.measurePing();
    });
    room.onLeave((code, reason) => this.handleClose(code, reason));

    this.measurePing();
    this.pingTimer = setInterval(() => this.measurePing(), PING_INTERVAL_MS);
  }

  snapshot(nowMs: number): GameSnapshot {
    if (this.cached !== null && this.cached.now === nowMs) return this.cached.snapshot;
    const state = this.room.state;
    this.syncTickRate(state.tickRate, nowMs);
    this.advance(nowMs);
    const tick = this.clock.now(nowMs);
    const renderTick = tick - (INTERPOLATION_DELAY_MS * this.clock.tickRate) / 1000;

    const players: PlayerView[] = [];
    state.players.forEach((p, id) => {
      const isSelf = id === this.selfId;
      const remote = isSelf ? null : this.remotes.at(id, renderTick);
      players.push({
        id,
        name: p.name,
        x: remote?.x ?? this.predict.value(p, "x"),
        y: remote?.y ?? this.predict.value(p, "y"),
        aim: remote?.aim ?? this.predict.value(p, "aim"),
        hp: p.hp,
        alive: p.alive,
        shielded: p.shielded,
        respawnTick: p.respawnTick,
        kills: p.kills,
        deaths: p.deaths,
        color: p.color,
        isSelf,
      });
    });

    const snapshot: GameSnapshot = {
      selfId: this.selfId,
      tick,
      renderTick,
      tickRate: this.clock.tickRate,
      phase: state.phase,
      phaseEndsTick: state.phaseEndsTick,
      matchNumber: state.matchNumber,
      ping: this.ping,
      connection: this.status,
      players,
      pilots: this.pilotsOf(state, players),
      projectiles: this.projectilesAt(renderTick),
    };
    this.cached = { now: nowMs, snapshot };
    return snapshot;
  }

  update(nowMs: number, controls: InputFrame): void {
    if (this.status === "closed") return;
    this.syncTickRate(this.room.state.tickRate, nowMs);
    this.advance(nowMs);
    const steps = this.dueSteps;
    this.dueSteps = 0;
    // Until your ship is in the state there is nothing to move, and nothing to predict with.
    if (this.own === null) return;
    const data = this.input.data;
    // Lag compensation: the tick of the other ships this frame draws (they are interpolated
    // INTERPOLATION_DELAY_MS in the past); the server tests this frame's shots against it.
    const viewTick = Math.max(
      1,
      Math.round(this.clock.now(nowMs) - (INTERPOLATION_DELAY_MS * this.clock.tickRate) / 1000),
    );
    for (let i = 0; i < steps; i++) {
      this.seq += 1;
      data.seq = this.seq;
      data.moveX = controls.moveX;
      data.moveY = controls.moveY;
      data.aimX = controls.aimX;
      data.aimY = controls.aimY;
      data.fire = controls.fire;
      data.viewTick = viewTick & 0xffff;
      this.input.send();
    }
  }

  onKill(listener: (event: KillEvent) => void): () => void {
    this.killListeners.add(listener);
    return () => this.killListeners.delete(listener);
  }

  onChat(listener: (line: ChatLine) => void): () => void {
    this.chatListeners.add(listener);
    for (const line of this.chatBacklog.splice(0)) listener(line);
    return () => this.chatListeners.delete(listener);
  }

  onLive(listener: (event: LiveEvent) => void): () => void {
    this.liveListeners.add(listener);
    for (const event of this.liveBacklog.splice(0)) listener(event);
    return () => this.liveListeners.delete(listener);
  }

  sendChat(text: string): void {
    if (this.status !== "connected") return;
    this.room.send(ClientMessage.Chat, { text });
  }

  /** What kind of seat this is (player or spectator) and in which room (code of a private one). */
  info(): WelcomeMessage | null {
    return this.welcomeInfo;
  }

  /** The room id (the join code of a private room). */
  get roomId(): string {
    return this.room.roomId;
  }

  onClosed(listener: (info: CloseInfo) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  leave(): void {
    if (this.status === "closed") return;
    void this.room.leave(true);
  }

  dispose(): void {
    clearInterval(this.pingTimer);
    this.processWatch?.stop();
    this.killListeners.clear();
    this.chatListeners.clear();
    this.liveListeners.clear();
    this.closeListeners.clear();
    if (this.status !== "closed") {
      this.status = "closed";
      void this.room.leave(true);
    }
    this.own?.dispose();
    this.predict.dispose();
  }

  /**
   * Runs the SDK's per-frame driver once per frame time: it reconciles and smooths your ship
   * and paces inputs, one per simulation tick whatever the frame rate (a slow frame gets
   * every tick it spanned, up to the server's input buffer: see sdk-seam.ts). Steps found due
   * are kept until `update` sends them, so calling `snapshot` first loses none.
   */
  private advance(nowMs: number): void {
    if (nowMs === this.tickedAt) return;
    this.tickedAt = nowMs;
    this.dueSteps = Math.min(this.dueSteps + this.predict.tick(nowMs), INPUT_BUFFER_MAX);
  }

  /** What the debug overlay shows: the link, the clock, prediction and interpolation, now. */
  debugInfo(nowMs: number): DebugInfo {
    const prediction = this.own?.currentStats() ?? null;
    const rates = this.traffic.rates(nowMs);
    while (this.patchTimes.length > 0 && this.patchTimes[0]! < nowMs - INTERPOLATION_DELAY_MS) this.patchTimes.shift();
    return {
      rttMs: this.ping,
      serverTick: this.room.state.tick,
      lastAckedInput: prediction?.lastAcked ?? 0,
      pendingInputs: prediction?.pending ?? 0,
      lastCorrectionPx: prediction?.lastCorrectionPx ?? 0,
      totalCorrectionPx: prediction?.totalCorrectionPx ?? 0,
      interpolationDelayMs: INTERPOLATION_DELAY_MS,
      bufferedPatches: this.patchTimes.length,
      downBytesPerSec: rates.downBytesPerSec,
      upBytesPerSec: rates.upBytesPerSec,
    };
  }

  /** How your own ship's prediction fares (null until your ship is in the state). */
  predictionStats(): PredictionStats | null {
    return this.own?.currentStats() ?? null;
  }

  /** Runs on every decoded patch: feeds the tick clock and tracks projectiles. */
  private onPatch(state: AnyArenaState): void {
    const now = performance.now();
    this.syncTickRate(state.tickRate, now);
    this.clock.observe(state.tick, now);
    this.patchTimes.push(now);
    if (this.patchTimes.length > 64) this.patchTimes.shift();
    this.ensurePrediction(state);
    state.players.forEach((p, id) => {
      if (id !== this.selfId) this.remotes.observe(id, state.tick, p.x, p.y, p.aim);
    });
    this.remotes.retain((id) => state.players.has(id));

    const seen = new Set<string>();
    state.projectiles.forEach((p, id) => {
      seen.add(id);
      if (this.shots.get(id)?.entry !== p) this.shots.set(id, this.track(p, state));
    });
    for (const [id, shot] of this.shots) {
      if (seen.has(id) || shot.gone) continue;
      // Removed by the server somewhere after the previous patch: it flew at most until then
      // (a ship hit; walls and lifetime are already in maxFlight).
      shot.gone = true;
      const earliestRemoval = this.lastPatchTick >= 0 ? this.lastPatchTick + 1 : state.tick;
      shot.maxFlight = Math.max(0, Math.min(shot.maxFlight, flightAge(shot.launch, earliestRemoval) - 1));
    }
    this.lastPatchTick = state.tick;
  }

  /** Starts predicting your ship once it is in the state (again, if a resync replaced it). */
  private ensurePrediction(state: AnyArenaState): void {
    const ship = state.players.get(this.selfId);
    if (ship === undefined || this.own?.ship === ship) return;
    this.own?.dispose();
    this.own = new OwnShipPrediction(this.predict, this.input, ship, {
      config: createConfig(this.clock.tickRate, DEFAULT_MATCH_SECONDS, RESULTS_SECONDS),
      map: this.map,
      // Ships fly in a match and in the warm-up; they freeze for the results.
      playing: () => this.room.state.phase !== Phase.Results,
    });
  }

  private track(p: ProjectileState, state: AnyArenaState): TrackedShot {
    const speed = this.projectileSpeed;
    const launch: ProjectileLaunch = {
      x: p.x,
      y: p.y,
      vx: headingVx(p.heading, speed),
      vy: headingVy(p.heading, speed),
      spawnTick: p.spawnTick,
    };
    return {
      entry: p,
      launch,
      ownerId: shooterOf(state, p.owner),
      dirX: launch.vx / speed,
      dirY: launch.vy / speed,
      maxFlight: flightTicks(launch, this.lifetimeTicks, this.map.walls),
      gone: false,
    };
  }

  /** Every pilot: the drawn ships, plus (large rooms) the roster's far ones at their coarse place. */
  private pilotsOf(state: AnyArenaState, players: readonly PlayerView[]): PilotView[] {
    const pilots: PilotView[] = players.map((p) => ({
      id: p.id,
      name: p.name,
      kills: p.kills,
      deaths: p.deaths,
      alive: p.alive,
      x: p.x,
      y: p.y,
      near: true,
      color: p.color,
      isSelf: p.isSelf,
    }));
    if (!("pilots" in state) || state.pilots === undefined) return pilots;
    const { width, height } = this.map;
    state.pilots.forEach((p, id) => {
      if (state.players.has(id)) return;
      pilots.push({
        id,
        name: p.name,
        kills: p.kills,
        deaths: p.deaths,
        alive: p.alive,
        x: (p.cx / 255) * width,
        y: (p.cy / 255) * height,
        near: false,
        color: p.color,
        isSelf: id === this.selfId,
      });
    });
    return pilots;
  }

  /** Projectiles to draw at `renderTick`; forgets removed ones the render time has passed. */
  private projectilesAt(renderTick: number): ProjectileView[] {
    const out: ProjectileView[] = [];
    for (const [id, shot] of this.shots) {
      const pos = projectileAt(shot.launch, renderTick, shot.maxFlight);
      if (pos === null) {
        if (shot.gone && flightAge(shot.launch, renderTick) > 0) this.shots.delete(id);
        continue;
      }
      out.push({ id, ownerId: shot.ownerId, x: pos.x, y: pos.y, dirX: shot.dirX, dirY: shot.dirY });
    }
    return out;
  }

  private syncTickRate(rate: number, nowMs: number): void {
    if (!(rate > 0) || rate === this.clock.tickRate) return;
    this.clock.setTickRate(rate, nowMs);
    this.lifetimeTicks = projectileLifetimeTicks(rate);
    this.projectileSpeed = projectileSpeedPerTick(rate);
  }

  private measurePing(): void {
    this.room.ping((ms) => {
      this.ping = ms;
    });
  }

  private emitKill(msg: KillMessage): void {
    const state = this.room.state;
    const nameOf = (id: string): string =>
      state.players.get(id)?.name ?? ("pilots" in state ? state.pilots?.get(id)?.name : undefined) ?? "someone";
    const event: KillEvent = {
      killerId: msg.killerId,
      victimId: msg.victimId,
      killerName: nameOf(msg.killerId),
      victimName: nameOf(msg.victimId),
    };
    for (const listener of this.killListeners) listener(event);
  }

  /** The process holding the room is gone: stop the SDK's retries and close the session. */
  private roomGone(): void {
    this.room.reconnection.maxRetries = 0;
    this.handleClose(Close.FailedToReconnect, "the server holding your room went away");
  }

  private handleClose(code: number, reason?: string): void {
    this.processWatch?.stop();
    if (this.closed !== null) return;
    this.tokens?.clear();
    clearInterval(this.pingTimer);
    this.status = "closed";
    this.closed = { code, reason: describeClose(code, reason) };
    for (const listener of this.closeListeners) listener(this.closed);
  }
}
