/**
 * The arena room: a thin adapter between Colyseus and the shared simulation. It checks who
 * joins (a guest token, verified at matchmaking), buffers each client's inputs (one consumed
 * per step), runs the shared `step` on a fixed timestep, and projects the world into the schema
 * state that Colyseus sends as binary delta patches. Around that: spectators (no ship, not
 * counted toward the cap), chat, the lobby listing, private rooms by code and ranked matches.
 */
import { randomInt } from "node:crypto";
import { CloseCode, matchMaker, Room, ServerError, type Client } from "@colyseus/core";
import {
  INPUT_BUFFER_MAX,
  MAX_MESSAGES_PER_SECOND,
  MAX_PLAYERS,
  MAX_SPECTATORS,
  PATCH_RATE_HZ,
  RANKED_MATCH_PLAYERS,
  RECONNECT_GRACE_SECONDS,
} from "../../shared/constants.ts";
import {
  ClientMessage,
  CloseCodes,
  INPUT_LIMITS,
  checkJoinOptions,
  ServerMessage,
  type ArenaListing,
  type ArenaMode,
  type KillMessage,
  type WelcomeMessage,
} from "../../shared/protocol.ts";
import type { ArenaMap } from "../../shared/map.ts";
import { distinctName } from "../../shared/names.ts";
import { generateId as generateSessionId } from "@colyseus/core";
import { ArenaState, LargeArenaState, PlayerInput, type AnyArenaState } from "../../shared/schema.ts";
import { LARGE_MAP } from "../../shared/map.ts";
import { addShip, createWorld, Phase, removeShip, step, type InputFrame, type World } from "../../shared/sim/index.ts";
import { TokenError, type GuestIdentity, type GuestTokens } from "../identity/guest-tokens.ts";
import type { FaultLog } from "../log/fault-log.ts";
import type { RoomMetricsSink } from "../metrics/server-metrics.ts";
import { ClientGuard } from "../security/client-guard.ts";
import { reservedSeatAuths } from "../security/colyseus-seam.ts";
import { ROOM_LIMIT_MESSAGE } from "../security/http-guard.ts";
import type { ServerLimits } from "../security/limits.ts";
import type { PlayerStore, RankedResult } from "../store/player-store.ts";
import type { LiveFeed } from "../live/live-feed.ts";
import { ChatChannel } from "./chat-channel.ts";
import { RoomLiveEvents } from "./live-events.ts";
import { InputPacer, type PacedBuffer } from "./input-surplus.ts";
import { InterestManager } from "./interest.ts";
import { patchEncoded, projectPilots, projectWorld } from "./project-state.ts";
import { inputLayoutOf, usePlainInputs } from "./plain-input.ts";
import { uniqueRoomCode } from "./room-code.ts";
import { logger } from "../log/logger.ts";

/** Server-side settings of every arena room (never taken from clients). */
export interface ArenaSettings {
  tickRate: number;
  matchSeconds: number;
  resultsSeconds: number;
  /** Pilots needed to start a match (below it the room warms up); 1 when absent. */
  minPlayers?: number;
  /**
   * "standard": 16 pilots, the standard map, every client gets every ship. "large": up to
   * `largePlayers` pilots on the large map with interest management (absent: standard).
   */
  variant?: "standard" | "large";
  /** Pilot cap of a large room (default 64). */
  largePlayers?: number;
  /** How far back shots may rewind their targets (0: no lag compensation). */
  lagCompensationMs: number;
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
  /** Where ranked results are kept (ratings). */
  store: PlayerStore;
  /** The server-wide live feed: match events go out, everyone's events come in. */
  live?: LiveFeed;
}

/**
 * What `onCreate` receives: the server's settings (from `defineRoom`, never from clients), the
 * client's validated `private` flag, and `ranked` (set only by the ranked queue, server-side).
 */
export interface ArenaCreateOptions {
  settings: ArenaSettings;
  private?: boolean;
  ranked?: boolean;
}

/** What `onAuth` hands to `onJoin` (as `client.auth`): who joins, and as what. */
export interface ArenaAuth {
  readonly playerId: string;
  readonly name: string;
  /** Set only by `admitSpectator`, never from client options. */
  readonly spectator?: boolean;
  /** Set only by the ranked queue's `onAuth` (the rating it grouped you by). */
  readonly rating?: number;
}

/**
 * Verifies a join at matchmaking, before a seat is reserved: the guest token (401 with a
 * distinct message for missing, forged or expired) and the options (400 with a readable
 * message). `name` in the options renames the player for this room; otherwise the token's
 * nickname is used. Never returns a client-chosen `sessionId` (colyseus-seams §0.4).
 */
export async function authorizeArenaJoin(tokens: GuestTokens, token: string, options: unknown): Promise<ArenaAuth> {
  let identity: GuestIdentity;
  try {
    identity = await tokens.verify(token);
  } catch (error) {
    if (error instanceof TokenError) throw new ServerError(401, error.message);
    throw error;
  }
  // Colyseus passes no options as undefined; the HTTP guard already refused a JSON null.
  const checked = checkJoinOptions(options ?? {});
  if (!checked.ok) throw new ServerError(400, checked.error);
  return { playerId: identity.playerId, name: checked.value.name ?? identity.name };
}

/** The arena room type of one server: its `onAuth` verifies tokens with that server's secret. */
export function arenaRoomWithTokens(tokens: GuestTokens): typeof ArenaRoom {
  return class TokenCheckedArenaRoom extends ArenaRoom {
    static override async onAuth(token: string, options: unknown): Promise<ArenaAuth> {
      return authorizeArenaJoin(tokens, token, options);
    }
  };
}

/**
 * Close codes after which a seat is held for reconnection: the ones the SDK retries on (going
 * away, no status, abnormal closure, "may try reconnect").
 */
/** Beyond the seat reservation's lifetime, how long a ranked group may take before it is called off. */
export const RANKED_SEATING_GRACE_MS = 2_000;
/** Ticks between checks of the room's lock against its player count. */
const LOCK_CHECK_EVERY_TICKS = 10;
/** Score given to a ranked player who left before the end: below anyone who stayed. */
const FORFEIT_SCORE = -1_000_000;

const RECONNECTABLE_CLOSE_CODES: ReadonlySet<number> = new Set([1001, 1005, 1006, 4010]);

/** The wire layout of `PlayerInput`, read once. */
const INPUT_LAYOUT = inputLayoutOf(PlayerInput);
/** Plain input copies per client: more than the buffer holds (see plain-input.ts). */
const INPUT_RING = 2 * INPUT_BUFFER_MAX + 4;

/** `v` within [min, max]; NaN to the floor. (Module level: no closure made per input.) */
function clamp(v: number, range: readonly [number, number]): number {
  return v >= range[0] ? (v <= range[1] ? v : range[1]) : range[0];
}

/** Clamps a decoded input to {@link INPUT_LIMITS} (NaN to the floor), in place. */
function clampInput(input: PlayerInput): void {
  input.moveX = clamp(input.moveX, INPUT_LIMITS.moveX);
  input.moveY = clamp(input.moveY, INPUT_LIMITS.moveY);
  input.aimX = clamp(input.aimX, INPUT_LIMITS.aimX);
  input.aimY = clamp(input.aimY, INPUT_LIMITS.aimY);
}

/** Pilots of a large room, by default. */
export const LARGE_ROOM_PLAYERS = 64;

/** Pilots an arena with these settings seats (spectators apart): the room's cap, and quick play's. */
export function pilotCap(settings: Pick<ArenaSettings, "variant" | "largePlayers">): number {
  return settings.variant === "large" ? (settings.largePlayers ?? LARGE_ROOM_PLAYERS) : MAX_PLAYERS;
}
/** How often (in patches) the interest views of a large room are brought up to date. */
const INTEREST_EVERY_PATCHES = 2;

export class ArenaRoom extends Room<{ state: AnyArenaState; input: PlayerInput; metadata: ArenaListing }> {
  /** Players and spectators; the player cap is held by `hasReachedMaxClients`. */
  override maxClients = MAX_PLAYERS + MAX_SPECTATORS;
  override patchRate = 1000 / PATCH_RATE_HZ;
  override maxMessagesPerSecond = MAX_MESSAGES_PER_SECOND;
  override state: AnyArenaState = new ArenaState();
  /** Pilots this room seats (spectators apart). */
  private playerCap = MAX_PLAYERS;
  /** True while this room holds its own explicit lock (see syncLock). */
  private lockedByUs = false;
  /** Large rooms: who receives which ship. */
  private interest: InterestManager | null = null;

  /** Bounded per-client input buffers; `next()` takes one frame per step. */
  override inputs = this.defineInput(PlayerInput, {
    seqField: "seq",
    bufferMaxSize: INPUT_BUFFER_MAX,
    // A plain function: it runs on the plain input objects of plain-input.ts.
    sanitize: clampInput,
  });

  private world!: World;
  private metrics: RoomMetricsSink | undefined;
  /**
   * Per-ship input pacing (one frame a tick, late ones caught up, idle surplus trimmed), with the
   * client's input buffer at hand: every tick walks this map, so a ship's pacer and buffer cost
   * no lookup (two `Map` lookups a ship and tick before; at 1,000 players the tables are mostly
   * out of cache). Entries come and go with the ships (`addShip`, `removeShip`).
   */
  private readonly pacing = new Map<string, { readonly pacer: InputPacer; buffer: PacedBuffer<PlayerInput> }>();
  /** Reused each step: the input(s) each ship consumes. */
  private readonly frames = new Map<string, InputFrame | InputFrame[]>();
  private joinCount = 0;
  /** Patches sent (paces the interest views). */
  private patchCount = 0;
  private settings!: ArenaSettings;
  private guard!: ClientGuard;
  private chat!: ChatChannel;
  private failed = false;
  private mode: ArenaMode = "quick";
  /** This room's part in the live feed (absent when the server runs none). */
  private liveEvents: RoomLiveEvents | undefined;
  /** Sessions that watch (reserved or joined): no ship, not counted toward the player cap. */
  private readonly spectators = new Set<string>();
  /** True only while `admitSpectator` reserves a seat (the cap it checks is the spectators'). */
  private admittingSpectator = false;
  /** Player id of each seated session (ranked results, the welcome message). */
  private readonly playerIds = new Map<string, string>();
  /** A ranked match is played once; its result is recorded once. */
  private rankedRecorded = false;
  /** Ranked players who left during the match: scored as losing to everyone who stayed. */
  private readonly rankedForfeits = new Map<string, RankedResult>();

  override async onCreate(options: ArenaCreateOptions): Promise<void> {
    const { settings } = options;
    if (settings.roomCount() >= settings.limits.maxRooms) throw new ServerError(503, ROOM_LIMIT_MESSAGE);
    this.settings = settings;
    this.mode = options.ranked === true ? "ranked" : options.private === true ? "private" : "quick";
    if (this.mode === "private") {
      // The room id is the join code: joinById(code) is "join by code" (private rooms are
      // never matched by quick play; they are joinable only by id).
      this.roomId = await uniqueRoomCode(async (code) => (await matchMaker.getRoomById(code)) != null);
    }
    if (this.mode !== "quick") await this.setPrivate(true);
    // Nobody joins a ranked match by its id: the queue reserves its group's seats directly.
    if (this.mode === "ranked") await this.lock();
    this.metrics = settings.metrics;
    this.seatReservationTimeout = settings.limits.seatReservationSeconds;
    let map = settings.map;
    if (settings.variant === "large") {
      const state = new LargeArenaState();
      this.state = state;
      this.interest = new InterestManager(state);
      this.playerCap = pilotCap(settings);
      this.maxClients = this.playerCap + MAX_SPECTATORS;
      map ??= LARGE_MAP;
    }
    this.state.map = map?.id ?? "standard";
    this.world = createWorld({
      seed: settings.seed ?? randomInt(2 ** 31),
      tickRate: settings.tickRate,
      matchSeconds: settings.matchSeconds,
      resultsSeconds: settings.resultsSeconds,
      // A ranked match starts when its whole group is seated.
      minPlayers: this.mode === "ranked" ? RANKED_MATCH_PLAYERS : (settings.minPlayers ?? 1),
      lagCompensationMs: settings.lagCompensationMs,
      ...(map !== undefined ? { map } : {}),
    });
    this.state.tickRate = settings.tickRate;
    this.project();
    this.guard = new ClientGuard(this, {
      tickRate: settings.tickRate,
      limits: settings.limits,
      faults: settings.faults,
      isSpectator: (sessionId) => this.spectators.has(sessionId),
    });
    this.chat = new ChatChannel({
      broadcast: (line) => this.broadcast(ServerMessage.Chat, line),
      sendTo: (id, line) => this.clients.getById(id)?.send(ServerMessage.Chat, line),
    });
    this.onMessage(ClientMessage.Chat, (client, payload: unknown) => {
      const name = this.displayName(client.sessionId);
      this.chat.post(client.sessionId, name, payload);
    });
    if (settings.live !== undefined) {
      this.liveEvents = new RoomLiveEvents(settings.live, {
        roomId: () => this.roomId,
        mode: () => this.mode,
        broadcast: (type, event) => this.broadcast(type, event),
      });
    }
    // Any other message type is a protocol violation (the frame guard lets messages through).
    this.onMessage("*", (client, type) => this.guard.refuseMessage(client, type));
    this.setFixedTimestep(() => this.tick(), settings.tickRate);
    await this.setMetadata(this.listing());
    if (this.mode === "ranked") {
      // A group member who never takes the seat would hold the others in the warm-up forever.
      this.clock.setTimeout(
        () => {
          if (this.world.phase === Phase.Warmup) this.disconnect(CloseCodes.MatchCancelled).catch(() => undefined);
        },
        this.seatReservationTimeout * 1000 + RANKED_SEATING_GRACE_MS,
      );
    }
  }

  override onDispose(): void {
    this.liveEvents?.dispose();
  }

  /**
   * The process is draining (SIGTERM): players are told why before the room closes with 4001,
   * after which their client quick-plays again (into another process, in a cluster).
   */
  override onBeforeShutdown(): void {
    this.chat.system("This server is restarting: you will be seated in another room in a moment");
    super.onBeforeShutdown();
  }

  /** Without a token verifier: every join is refused (see {@link arenaRoomWithTokens}). */
  static override async onAuth(_token: string, _options: unknown): Promise<ArenaAuth> {
    throw new ServerError(401, "this server verifies no tokens");
  }

  override onJoin(client: Client, _options: unknown, auth: ArenaAuth): void {
    // A ranked arena seats only the group the queue reserved (their auth carries a rating),
    // each player once: no outsider by room id, no second seat for one player id.
    if (this.mode === "ranked" && (auth.rating === undefined || this.hasPlayerId(auth.playerId))) {
      throw new ServerError(403, "this ranked match is for the players the queue seated");
    }
    this.playerIds.set(client.sessionId, auth.playerId);
    // Recent chat first, oldest first, so a newcomer's own "joined" line comes last.
    for (const line of this.chat.history()) client.send(ServerMessage.Chat, line);
    if (auth.spectator === true) {
      this.spectators.add(client.sessionId);
      this.guard.watching(client);
    } else {
      this.joinCount += 1;
      // Two players in one room never share a displayed name: a second "Ann" shows as "Ann 2".
      const taken = new Set(Array.from(this.world.ships.values(), (ship) => ship.name));
      const name = distinctName(auth.name || `Pilot ${this.joinCount}`, taken);
      // In a private room, friends who joined by code start next to whoever opened it.
      const host = this.mode === "private" ? this.world.ships.keys().next().value : undefined;
      addShip(this.world, client.sessionId, name, host);
      usePlainInputs(client, INPUT_LAYOUT, INPUT_RING);
      this.pacing.set(client.sessionId, {
        pacer: new InputPacer(this.world.config.tickRate, INPUT_BUFFER_MAX),
        buffer: this.inputs.get(client.sessionId),
      });
      this.project();
      this.interest?.seat(client);
      this.chat.system(`${name} joined`);
    }
    if (auth.spectator === true) this.interest?.watch(client);
    this.interest?.update(this.world);
    this.guard.seated(client);
    this.welcome(client);
    this.listingChanged();
  }

  /** A dropped client came back within the grace period: same ship, same score, new socket. */
  override onReconnect(client: Client): void {
    if (!this.spectators.has(client.sessionId)) {
      usePlainInputs(client, INPUT_LAYOUT, INPUT_RING);
      this.interest?.seat(client);
    }
    const pacing = this.pacing.get(client.sessionId);
    if (pacing !== undefined) {
      pacing.pacer.reconnected();
      // The reconnected client has a buffer of its own (Colyseus allocates one per socket).
      pacing.buffer = this.inputs.get(client.sessionId);
    }
    this.guard.seated(client);
    this.welcome(client);
  }

  /**
   * Reserves a seat to watch this room (called by `POST /spectate/:roomId` through
   * `matchMaker.remoteRoomCall`, so it works from any process). Spectators have no ship and
   * do not count toward the player cap: a full room can still be watched, up to
   * `MAX_SPECTATORS`.
   */
  async admitSpectator(identity: GuestIdentity): Promise<unknown> {
    if (this.failed || this.mode === "private") throw new ServerError(404, "this room cannot be watched");
    if (this.spectatorCount() >= MAX_SPECTATORS)
      throw new ServerError(409, "this room has all the spectators it can take");
    const auth: ArenaAuth & { sessionId: string } = {
      playerId: identity.playerId,
      name: identity.name,
      spectator: true,
      // Chosen here, by the server: Colyseus reserves the seat under it.
      sessionId: generateSessionId(),
    };
    // Colyseus checks the cap synchronously inside this call; the flag is set only for it.
    this.admittingSpectator = true;
    let reservation: Promise<unknown>;
    try {
      reservation = matchMaker.reserveSeatFor(this.listingCache(), { spectate: true }, auth);
    } finally {
      this.admittingSpectator = false;
    }
    this.spectators.add(auth.sessionId);
    // A reservation never used expires without a callback: forget it then.
    this.clock.setTimeout(
      () => {
        const seated = this.clients.some((c) => c.sessionId === auth.sessionId);
        // A spectator who dropped holds a (reconnection) seat reservation: still a spectator.
        const held = reservedSeatAuths(this).some(
          (a) => (a as { sessionId?: string } | undefined)?.sessionId === auth.sessionId,
        );
        if (!seated && !held) this.spectators.delete(auth.sessionId);
        this.syncLock();
      },
      (this.seatReservationTimeout + 1) * 1000,
    );
    try {
      return await reservation;
    } catch (error) {
      this.spectators.delete(auth.sessionId);
      throw error;
    }
  }

  /**
   * The player cap: players (seated or with a reserved seat) against `MAX_PLAYERS`, spectators
   * apart. Colyseus locks the room (out of quick play) when this turns true.
   */
  override hasReachedMaxClients(): boolean {
    if (super.hasReachedMaxClients()) return true;
    if (this.admittingSpectator) return this.spectatorCount() >= MAX_SPECTATORS;
    return this.playerSeats() >= this.playerCap;
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
    const ship = this.world.ships.get(client.sessionId);
    const playerId = this.playerIds.get(client.sessionId);
    if (this.mode === "ranked" && ship !== undefined && playerId !== undefined && !this.rankedRecorded) {
      if (this.world.phase === Phase.Playing) {
        this.rankedForfeits.set(playerId, {
          playerId,
          name: ship.name,
          score: FORFEIT_SCORE,
          kills: ship.kills,
          deaths: ship.deaths,
        });
      }
    }
    removeShip(this.world, client.sessionId);
    this.pacing.delete(client.sessionId);
    this.guard.forget(client.sessionId);
    this.chat.forget(client.sessionId);
    this.playerIds.delete(client.sessionId);
    this.spectators.delete(client.sessionId);
    this.interest?.forget(client);
    this.project();
    if (ship !== undefined) this.chat.system(`${ship.name} left`);
    this.listingChanged();
    // The seat is free now: open the listing at once (waiting for the next tick, a busy process
    // sent quick play past this room to a new one). Colyseus updates its own count, and may
    // unlock a room it locked itself, after onLeave: check the lock again after it.
    this.syncLock();
    this.clock.setTimeout(() => this.syncLock(), 0);
  }

  /**
   * Keeps the listing's lock true to the player count: locked while every player seat is taken
   * or reserved, open otherwise. Colyseus's own lock counts spectators and, once a full room
   * loses any client (a spectator included), unlocks it without looking again; a full room
   * listed as open would draw quick play into seat reservations it must refuse. Ranked rooms
   * stay locked; a failed room is locked for good.
   */
  private syncLock(): void {
    if (this.failed || this.mode === "ranked") return;
    const full = this.playerSeats() >= this.playerCap;
    if (full && (!this.locked || !this.lockedByUs)) {
      this.lockedByUs = true;
      this.lock().catch(() => undefined);
    } else if (!full && this.locked && this.lockedByUs) {
      this.lockedByUs = false;
      this.unlock().catch(() => undefined);
    }
  }

  private hasPlayerId(playerId: string): boolean {
    for (const [sessionId, id] of this.playerIds) if (id === playerId && !this.spectators.has(sessionId)) return true;
    return false;
  }

  /** The world into the state: ships (and, in a large room, the pilots roster). */
  private project(): void {
    projectWorld(this.world, this.state);
    if ("pilots" in this.state) projectPilots(this.world, this.state);
  }

  private spectatorCount(): number {
    return this.spectators.size;
  }

  /** Players seated or holding a reserved seat (spectators' seats excluded). */
  private playerSeats(): number {
    let seats = 0;
    for (const c of this.clients) if (!this.spectators.has(c.sessionId)) seats += 1;
    for (const auth of reservedSeatAuths(this)) if ((auth as ArenaAuth | undefined)?.spectator !== true) seats += 1;
    return seats;
  }

  /** The room's own listing, as `reserveSeatFor` wants it. */
  private listingCache(): Parameters<typeof matchMaker.reserveSeatFor>[0] {
    // With several processes the seat names where this process is reached (its PUBLIC_ADDRESS),
    // so a spectator asking any process connects to this one.
    return {
      roomId: this.roomId,
      name: this.roomName,
      processId: matchMaker.processId,
      ...(matchMaker.publicAddress !== undefined ? { publicAddress: matchMaker.publicAddress } : {}),
    } as Parameters<typeof matchMaker.reserveSeatFor>[0];
  }

  private displayName(sessionId: string): string {
    const ship = this.world.ships.get(sessionId);
    if (ship !== undefined) return ship.name;
    const client = this.clients.getById(sessionId);
    const auth = client?.auth as ArenaAuth | undefined;
    return `${auth?.name ?? "spectator"} (watching)`;
  }

  private welcome(client: Client): void {
    const msg: WelcomeMessage = {
      playerId: this.playerIds.get(client.sessionId) ?? "",
      role: this.spectators.has(client.sessionId) ? "spectator" : "player",
      mode: this.mode,
      code: this.mode === "private" ? this.roomId : null,
      processId: matchMaker.processId,
    };
    client.send(ServerMessage.Welcome, msg);
  }

  /** What the lobby shows for this room. */
  private listing(): ArenaListing {
    const ticksLeft = Math.max(0, this.world.phaseEndsTick - this.world.tick);
    return {
      mode: this.mode,
      players: this.world.ships.size,
      maxPlayers: this.playerCap,
      spectators: this.spectatorCount(),
      phase: this.world.phase,
      phaseEndsAt:
        this.world.phase === Phase.Warmup
          ? 0
          : Date.now() + Math.round((ticksLeft * 1000) / this.world.config.tickRate),
      matchNumber: this.world.matchNumber,
      map: this.state.map,
    };
  }

  /** Publishes the listing (the lobby updates live); a failure is logged, never thrown. */
  private listingChanged(): void {
    if (this.failed) return;
    this.setMetadata(this.listing()).catch((error: unknown) => {
      this.settings.faults.report({ kind: "listing-error", offender: this.roomId, detail: String(error) });
    });
  }

  /**
   * An exception inside this room's step or patch is a bug of ours: the room cannot be trusted
   * to go on. It tells its players (close code 4500), locks and disposes itself; every other
   * room of the process plays on.
   */
  private fail(where: string, error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    logger.error({
      event: "room-failed",
      roomId: this.roomId,
      where,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
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
    for (const [id, { pacer, buffer }] of this.pacing) {
      const frames = pacer.take(buffer);
      if (frames !== undefined) this.frames.set(id, frames);
    }
    const phase = this.world.phase;
    const events = step(this.world, this.frames);
    // The state is projected before each patch (broadcastPatch), not here: clients see it only then.
    if (this.world.tick % LOCK_CHECK_EVERY_TICKS === 0) this.syncLock();
    for (const e of events) {
      if (e.type === "kill") {
        const msg: KillMessage = { killerId: e.killerId, victimId: e.victimId };
        const killer = this.world.ships.get(e.killerId)?.name ?? "someone";
        const victim = this.world.ships.get(e.victimId)?.name ?? "someone";
        if (this.interest === null) {
          this.broadcast(ServerMessage.Kill, msg, { afterNextPatch: true });
          this.chat.system(`${killer} destroyed ${victim}`);
        } else {
          // A large room: only those who see either ship hear of it (10 kills a second among
          // 64 pilots would otherwise cost everyone ≈ 1 KB/s); the roster carries the scores.
          const audience = this.interest.audienceOf(e.killerId, e.victimId, this.spectators);
          for (const id of audience) this.clients.getById(id)?.send(ServerMessage.Kill, msg, { afterNextPatch: true });
          this.chat.systemTo(`${killer} destroyed ${victim}`, audience);
        }
        this.liveEvents?.kill(this.world, e.killerId, e.victimId);
      }
    }
    if (this.world.phase !== phase) this.phaseChanged(phase);
    this.metrics?.recordTick(performance.now() - started);
  }

  /** A match ended or began: the lobby hears of it; a ranked match is scored, then the room ends. */
  private phaseChanged(previous: number): void {
    this.listingChanged();
    this.liveEvents?.phaseChanged(this.world, previous);
    if (this.mode !== "ranked") return;
    if (previous === Phase.Playing && !this.rankedRecorded) {
      this.rankedRecorded = true;
      this.lock().catch(() => undefined);
      this.recordRanked();
    } else if (previous === Phase.Results) {
      // One ranked match per room: everyone goes back to the queue or the menu.
      this.disconnect(CloseCodes.MatchOver).catch(() => undefined);
    }
  }

  /** Stores the ranked result (ratings); the rating changes are announced in the chat. */
  private recordRanked(): void {
    const results: RankedResult[] = [];
    const counted = new Set<string>();
    for (const forfeit of this.rankedForfeits.values()) {
      results.push(forfeit);
      counted.add(forfeit.playerId);
    }
    for (const ship of this.world.ships.values()) {
      const playerId = this.playerIds.get(ship.id);
      if (playerId === undefined || counted.has(playerId)) continue;
      counted.add(playerId);
      results.push({
        playerId,
        name: ship.name,
        score: ship.kills - ship.deaths,
        kills: ship.kills,
        deaths: ship.deaths,
      });
    }
    if (results.length < 2) return;
    this.settings.store.recordRankedMatch(`${this.roomId}:${this.world.matchNumber}`, results).then(
      (changes) => {
        for (const r of results) {
          const change = changes.get(r.playerId);
          if (change === undefined) continue;
          const delta = change.after - change.before;
          this.chat.system(`${r.name}: rating ${change.after} (${delta >= 0 ? "+" : ""}${delta})`);
        }
      },
      (error: unknown) => {
        logger.error({ event: "ranked-record-failed", roomId: this.roomId, error: String(error) });
      },
    );
  }

  /** Encodes and sends the state patch (Colyseus calls this every `patchRate` ms), timed. */
  override broadcastPatch(): boolean {
    if (this.failed) return false;
    const started = performance.now();
    let changed: boolean;
    try {
      this.project();
      if (this.interest !== null) {
        if (++this.patchCount % INTEREST_EVERY_PATCHES === 0) this.interest.update(this.world);
        this.interest.shareProjectiles(this.world);
      }
      changed = super.broadcastPatch();
      patchEncoded(this.state);
    } catch (error) {
      this.fail("patch", error);
      return false;
    }
    this.guard.cutStalledReaders();
    this.metrics?.recordPatch(performance.now() - started);
    return changed;
  }
}
