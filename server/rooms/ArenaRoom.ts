/**
 * The quick-play arena room: a thin adapter between Colyseus and the shared simulation.
 * It validates who joins, buffers each client's inputs (one consumed per step), runs the
 * shared `step` on a fixed timestep, and projects the world into the schema state that
 * Colyseus sends as binary delta patches.
 */
import { randomInt } from "node:crypto";
import { Room, ServerError, type Client, type ClientPrivate } from "@colyseus/core";
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
  joinOptionsSchema,
  ServerMessage,
  type JoinOptions,
  type KillMessage,
} from "../../shared/protocol.ts";
import type { ArenaMap } from "../../shared/map.ts";
import { ArenaState, PlayerInput } from "../../shared/schema.ts";
import { addShip, createWorld, removeShip, step, type InputFrame, type World } from "../../shared/sim/index.ts";
import type { RoomMetricsSink } from "../metrics/server-metrics.ts";
import { createInputFrameValidator } from "./input-guard.ts";
import { InputSurplusTrimmer } from "./input-surplus.ts";
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

/** Close reason sent to a client whose input frame is malformed. */
const MALFORMED_INPUT = "malformed input frame";
const isValidInputFrame = createInputFrameValidator(PlayerInput);

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
  /** Per-client guards against input latency creeping up (see input-surplus.ts). */
  private readonly trimmers = new Map<string, InputSurplusTrimmer>();
  /** Reused each step: the one input each ship consumes. */
  private readonly frames = new Map<string, InputFrame>();
  private joinCount = 0;
  /** Clients whose socket failed on a protocol fault: no seat is held for them. */
  private readonly faulted = new WeakSet<Client>();

  override onCreate(options: ArenaCreateOptions): void {
    const { settings } = options;
    this.metrics = settings.metrics;
    this.world = createWorld({
      seed: settings.seed ?? randomInt(2 ** 31),
      tickRate: settings.tickRate,
      matchSeconds: settings.matchSeconds,
      resultsSeconds: settings.resultsSeconds,
      ...(settings.map !== undefined ? { map: settings.map } : {}),
    });
    this.state.tickRate = settings.tickRate;
    projectWorld(this.world, this.state);
    this.setFixedTimestep(() => this.tick(), settings.tickRate);
  }

  /** Validates the join options; a bad nickname fails the join with a readable message. */
  override onAuth(_client: Client, options: unknown): JoinOptions {
    const parsed = joinOptionsSchema.safeParse(options ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ServerError(
        400,
        `invalid join options: ${issue?.path.join(".") || "options"}: ${issue?.message ?? "invalid"}`,
      );
    }
    return parsed.data;
  }

  override onJoin(client: Client, _options: unknown, auth: JoinOptions): void {
    this.joinCount += 1;
    const name = auth.name ?? `Pilot ${this.joinCount}`;
    addShip(this.world, client.sessionId, name);
    this.trimmers.set(client.sessionId, new InputSurplusTrimmer(this.world.config.tickRate));
    projectWorld(this.world, this.state);
    this.closeOnMalformedInput(client);
    // The socket reports protocol faults (an oversized or invalid frame) as an error just
    // before it closes, and the close then reads as 1006 like a network drop: remember it.
    client.ref.once("error", () => this.faulted.add(client));
  }

  /**
   * A connection lost without a goodbye (network drop, missed heartbeats): hold the seat so the
   * SDK's automatic reconnection finds the same ship and score. A socket closed for anything
   * else (a protocol violation, an oversized frame) gets no second chance. `onLeave` follows
   * when the grace period runs out.
   */
  override onDrop(client: Client, code?: number): void {
    if (code === undefined || !RECONNECTABLE_CLOSE_CODES.has(code) || this.faulted.has(client)) return;
    void this.allowReconnection(client, RECONNECT_GRACE_SECONDS);
  }

  override onLeave(client: Client): void {
    removeShip(this.world, client.sessionId);
    this.trimmers.delete(client.sessionId);
    projectWorld(this.world, this.state);
  }

  /** One fixed step: one buffered input per ship, the shared step, then the projection. */
  private tick(): void {
    const started = performance.now();
    this.frames.clear();
    for (const id of this.world.ships.keys()) {
      const buffer = this.inputs.get(id);
      const frame = buffer.next();
      if (frame !== undefined) this.frames.set(id, frame);
      const surplus = this.trimmers.get(id)?.afterStep(buffer.size) ?? 0;
      if (surplus > 0) buffer.take(surplus);
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
    const started = performance.now();
    const changed = super.broadcastPatch();
    this.metrics?.recordPatch(performance.now() - started);
    return changed;
  }

  /**
   * Checks every input frame before Colyseus decodes it (see `input-guard.ts`). A client that
   * sends a malformed frame, or uses the unreliable input channel we do not offer, is broken
   * or hostile: it is closed with 4002 like any other protocol violation, and only it.
   */
  private closeOnMalformedInput(client: Client): void {
    const decoder = (client as unknown as ClientPrivate)._inputDecoder;
    if (decoder === undefined) return;
    const reject = (): never => {
      client.leave(CloseCodes.ProtocolError, MALFORMED_INPUT);
      const error = new Error(`${MALFORMED_INPUT} from ${client.sessionId}; closed with ${CloseCodes.ProtocolError}`);
      // Colyseus logs what the decoder throws; one line per offender is enough for operators.
      error.stack = error.message;
      throw error;
    };
    const decode = decoder.decode.bind(decoder);
    decoder.decode = (bytes) => (isValidInputFrame(bytes) ? decode(bytes) : reject());
    decoder.decodeAll = () => reject();
  }
}
