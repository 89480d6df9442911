/**
 * The quick-play arena room: a thin adapter between Colyseus and the shared simulation.
 * It validates who joins, buffers each client's inputs (one consumed per step), runs the
 * shared `step` on a fixed timestep, and projects the world into the schema state that
 * Colyseus sends as binary delta patches.
 */
import { randomInt } from "node:crypto";
import { CloseCode, Room, ServerError, type AuthContext, type Client } from "@colyseus/core";
import {
  INPUT_BUFFER_MAX,
  MAX_MESSAGES_PER_SECOND,
  MAX_PLAYERS,
  PATCH_RATE_HZ,
  RECONNECT_GRACE_SECONDS,
} from "../../shared/constants.ts";
import {
  CloseCodes,
  INPUT_LIMITS,
  checkJoinOptions,
  ServerMessage,
  type JoinOptions,
  type KillMessage,
} from "../../shared/protocol.ts";
import type { ArenaMap } from "../../shared/map.ts";
import { distinctName } from "../../shared/names.ts";
import { ArenaState, PlayerInput } from "../../shared/schema.ts";
import { addShip, createWorld, removeShip, step, type InputFrame, type World } from "../../shared/sim/index.ts";
import type { FaultLog } from "../log/fault-log.ts";
import type { RoomMetricsSink } from "../metrics/server-metrics.ts";
import { ClientGuard } from "../security/client-guard.ts";
import { ROOM_LIMIT_MESSAGE } from "../security/http-guard.ts";
import type { ServerLimits } from "../security/limits.ts";
import { InputPacer } from "./input-surplus.ts";
import { projectWorld } from "./project-state.ts";

/** Server-side settings of every arena room (never taken from clients). */
export interface ArenaSettings {
  tickRate: number;
  matchSeconds: number;
  resultsSeconds: number;
  /** Fixed world seed, for tests; random when absent. */
  seed?: number;
  /**
   * Another layout, for tests only: clients always draw `ARENA_MAP`, so a production server
   * must not set this.
   */
  map?: ArenaMap;
  /** Where tick and patch durations are reported (the server's metrics). */
  metrics?: RoomMetricsSink;
  /** The bounds clients are held to (the process's limits). */
  limits: Pick<ServerLimits, "maxRooms" | "joinAckTimeoutMs" | "maxOutboundBufferBytes" | "seatReservationSeconds">;
  /** Where client faults are counted and logged, rate-limited. */
  faults: FaultLog;
  /** Rooms on this process now (for `maxRooms`). */
  roomCount: () => number;
}

/** What `defineRoom(ArenaRoom, ...)` passes to `onCreate`; it overrides client options. */
export interface ArenaCreateOptions {
  settings: ArenaSettings;
}

/**
 * Close codes after which a seat is held for reconnection: the ones the SDK retries on (going
 * away, no status, abnormal closure, "may try reconnect").
 */
const RECONNECTABLE_CLOSE_CODES: ReadonlySet<number> = new Set([1001, 1005, 1006, 4010]);

export class ArenaRoom extends Room<{ state: ArenaState; input: PlayerInput }> {
  override maxClients = MAX_PLAYERS;
  override patchRate = 1000 / PATCH_RATE_HZ;
  override maxMessagesPerSecond = MAX_MESSAGES_PER_SECOND;
  override state = new ArenaState();

  /** Bounded per-client input buffers; `next()` takes one frame per step. */
  override inputs = this.defineInput(PlayerInput, {
    seqField: "seq",
    bufferMaxSize: INPUT_BUFFER_MAX,
    sanitize: INPUT_LIMITS,
  });

  private world!: World;
  private metrics: RoomMetricsSink | undefined;
  /** Per-client input pacing: one frame a tick, late ones caught up, idle surplus trimmed. */
  private readonly pacers = new Map<string, InputPacer>();
  /** Reused each step: the input(s) each ship consumes. */
  private readonly frames = new Map<string, InputFrame | InputFrame[]>();
  private joinCount = 0;
  private settings!: ArenaSettings;
  private guard!: ClientGuard;
  private failed = false;

  override onCreate(options: ArenaCreateOptions): void {
    const { settings } = options;
    if (settings.roomCount() >= settings.limits.maxRooms) throw new ServerError(503, ROOM_LIMIT_MESSAGE);
    this.settings = settings;
    this.metrics = settings.metrics;
    this.seatReservationTimeout = settings.limits.seatReservationSeconds;
    this.world = createWorld({
      seed: settings.seed ?? randomInt(2 ** 31),
      tickRate: settings.tickRate,
      matchSeconds: settings.matchSeconds,
      resultsSeconds: settings.resultsSeconds,
      ...(settings.map !== undefined ? { map: settings.map } : {}),
    });
    this.state.tickRate = settings.tickRate;
    projectWorld(this.world, this.state);
    this.guard = new ClientGuard(this, {
      tickRate: settings.tickRate,
      limits: settings.limits,
      faults: settings.faults,
    });
    this.setFixedTimestep(() => this.tick(), settings.tickRate);
  }

  /**
   * Validates the join options at the matchmaking request, before a seat is reserved: a bad
   * nickname gets a 400 with a readable message and nobody is seated. The returned options
   * become `client.auth` (never a client-chosen `sessionId`: the schema strips unknown keys).
   */
  static override async onAuth(_token: string, options: unknown, _context: AuthContext): Promise<JoinOptions> {
    // Colyseus passes no options as undefined; the HTTP guard already refused a JSON null.
    const checked = checkJoinOptions(options ?? {});
    if (!checked.ok) throw new ServerError(400, checked.error);
    return checked.value;
  }

  override onJoin(client: Client, _options: unknown, auth: JoinOptions): void {
    this.joinCount += 1;
    // Two players in one room never share a displayed name: a second "Ann" shows as "Ann 2".
    const taken = new Set(Array.from(this.world.ships.values(), (ship) => ship.name));
    const name = distinctName(auth.name ?? `Pilot ${this.joinCount}`, taken);
    addShip(this.world, client.sessionId, name);
    this.pacers.set(client.sessionId, new InputPacer(this.world.config.tickRate, INPUT_BUFFER_MAX));
    projectWorld(this.world, this.state);
    this.guard.seated(client);
  }

  /** A dropped client came back within the grace period: same ship, same score, new socket. */
  override onReconnect(client: Client): void {
    this.pacers.get(client.sessionId)?.reconnected();
    this.guard.seated(client);
  }

  /**
   * A connection lost without a goodbye (network drop, missed heartbeats): hold the seat so the
   * SDK's automatic reconnection finds the same ship and score. A socket closed for anything
   * else (a protocol violation, an oversized frame) gets no second chance. `onLeave` follows
   * when the grace period runs out.
   */
  override onDrop(client: Client, code?: number): void {
    if (code === undefined || !RECONNECTABLE_CLOSE_CODES.has(code) || this.guard.isFaulted(client)) return;
    // Not awaited: awaiting here would keep a replaced socket open (colyseus-seams §0.7). It
    // rejects when the grace period ends (with `false`), when the client closed before it
    // acknowledged the join ("not joined": there is no seat to hold) and while the room is
    // disposing; in every case Colyseus then calls onLeave, which removes the ship.
    this.allowReconnection(client, RECONNECT_GRACE_SECONDS).catch((reason: unknown) => {
      // Colyseus builds that error as `new ServerError("not joined")`: the text lands in `code`.
      if (reason === false || (reason instanceof ServerError && (reason.code as unknown) === "not joined")) return;
      if (reason instanceof Error && reason.message === "disposing") return;
      // The room is disconnecting everyone (shutdown, or a failed room): the seat goes with it.
      if (reason instanceof ServerError && reason.code === CloseCode.NORMAL_CLOSURE) return;
      this.settings.faults.report({ kind: "reconnection-error", offender: client.sessionId, detail: String(reason) });
    });
  }

  /**
   * `/matchmake/reconnect` with a token: Colyseus's default would close a still-connected owner
   * (4002) and give the seat to whoever holds the token. Only a dropped seat can be taken over;
   * a live one answers 409, and its owner plays on.
   */
  override checkReconnectionToken(reconnectionToken: string): string {
    if (this.clients.some((c) => c.reconnectionToken === reconnectionToken)) {
      throw new ServerError(409, "this seat is still connected; only a dropped seat can be resumed");
    }
    return super.checkReconnectionToken(reconnectionToken);
  }

  override onLeave(client: Client): void {
    if (this.failed) return;
    removeShip(this.world, client.sessionId);
    this.pacers.delete(client.sessionId);
    this.guard.forget(client.sessionId);
    projectWorld(this.world, this.state);
  }

  /**
   * An exception inside this room's step or patch is a bug of ours: the room cannot be trusted
   * to go on. It tells its players (close code 4500), locks and disposes itself; every other
   * room of the process plays on.
   */
  private fail(where: string, error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    console.error(
      JSON.stringify({
        event: "room-failed",
        roomId: this.roomId,
        where,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
    );
    this.lock().catch(() => undefined);
    this.disconnect(CloseCodes.RoomError).catch(() => undefined);
  }

  /** One fixed step, guarded: an exception fails this room only. */
  private tick(): void {
    if (this.failed) return;
    try {
      this.step();
    } catch (error) {
      this.fail("step", error);
    }
  }

  /** One fixed step: one buffered input per ship, the shared step, then the projection. */
  private step(): void {
    const started = performance.now();
    this.frames.clear();
    for (const id of this.world.ships.keys()) {
      const frames = this.pacers.get(id)?.take(this.inputs.get(id));
      if (frames !== undefined) this.frames.set(id, frames);
    }
    const events = step(this.world, this.frames);
    projectWorld(this.world, this.state);
    for (const e of events) {
      if (e.type === "kill") {
        const msg: KillMessage = { killerId: e.killerId, victimId: e.victimId };
        this.broadcast(ServerMessage.Kill, msg, { afterNextPatch: true });
      }
    }
    this.metrics?.recordTick(performance.now() - started);
  }

  /** Encodes and sends the state patch (Colyseus calls this every `patchRate` ms), timed. */
  override broadcastPatch(): boolean {
    if (this.failed) return false;
    const started = performance.now();
    let changed: boolean;
    try {
      changed = super.broadcastPatch();
    } catch (error) {
      this.fail("patch", error);
      return false;
    }
    this.guard.cutStalledReaders();
    this.metrics?.recordPatch(performance.now() - started);
    return changed;
  }
}
