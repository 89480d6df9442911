/**
 * Quick play seat allocation: what `POST /matchmake/joinOrCreate/arena` does on this server.
 *
 * Why our own instead of Colyseus's `matchMaker.joinOrCreate` (verified on @colyseus/core
 * 0.18.17): when no open room is found, Colyseus lets one request create a room and makes every
 * concurrent request wait for it behind one lock per filter (`concurrentJoinOrCreateRoomLock`);
 * then all of them try that one new room, all but its 16 seats fail, and each failure retries
 * after a random back-off of up to 0.8, 1.6, 3.2… s. Under a burst of arrivals (a match ending, a
 * stream sending its viewers) that is seconds per seat: measured on one process with Redis,
 * 800 quick plays at 200/s had a p95 of 1.1 s, at 400/s 3.1 s (`docs/DEPLOY.md`).
 *
 * Here every request picks an open room itself, counting the seats this process is reserving
 * right now so that concurrent requests spread over the open rooms instead of piling onto the
 * fullest one; when every room is full, requests join a room being created for them, and a new
 * one is started only when the ones being created are spoken for (one room per 16 waiting
 * requests, created in parallel). The room itself still decides each seat
 * (`Room._reserveSeat` against its cap), so nothing here can overfill a room: a wrong guess
 * costs one more pick, not a seat too many.
 *
 * Everything used is Colyseus's public API (`matchMaker.query`, `createRoom`, `reserveSeatFor`,
 * `getRoomClass`, and the controller's `invokeMethod`, which Colyseus documents as the seam for
 * changing how HTTP matchmaking is answered).
 */
import { ErrorCode, matchMaker, ServerError, type AuthContext } from "@colyseus/core";

type RoomCache = Awaited<ReturnType<typeof matchMaker.createRoom>>;
type SeatReservation = Awaited<ReturnType<typeof matchMaker.reserveSeatFor>>;
type InvokeMethod = typeof matchMaker.controller.invokeMethod;

/** Picks one request makes before it gives the work to Colyseus's own joinOrCreate. */
const MAX_PICKS = 8;

/** What a listing says about its seats. */
interface SeatCount {
  /** Pilots seated or with a reserved seat (a spectator's reservation counts until it joins). */
  readonly taken: number;
  /** Pilots the room seats. */
  readonly cap: number;
}

/**
 * Reads a listing's seats. `clients` counts every connection and reservation, spectators
 * included; our arenas publish `spectators` and `maxPlayers` in their metadata (ArenaListing).
 */
function seatsOf(room: RoomCache): SeatCount {
  const metadata = (room.metadata ?? {}) as { maxPlayers?: unknown; spectators?: unknown };
  const cap = typeof metadata.maxPlayers === "number" ? metadata.maxPlayers : room.maxClients;
  const spectators = typeof metadata.spectators === "number" ? metadata.spectators : 0;
  return { taken: room.clients - spectators, cap };
}

/** A room being created for the requests that found every room full. */
interface PendingRoom {
  readonly room: Promise<RoomCache>;
  /** Requests it can still take. */
  free: number;
}

export interface QuickPlayStats {
  /** Seats handed out. */
  seats: number;
  /** Rooms this process created for quick play. */
  roomsCreated: number;
  /** Picks that found the room full after all (another process, or a stale listing). */
  missedPicks: number;
  /** Requests handed to Colyseus's own joinOrCreate after {@link MAX_PICKS} picks. */
  fallbacks: number;
}

export class QuickPlayAllocator {
  readonly stats: QuickPlayStats = { seats: 0, roomsCreated: 0, missedPicks: 0, fallbacks: 0 };
  /** Seats this process is reserving right now, by room id. */
  private readonly reserving = new Map<string, number>();
  /** Rooms being created, by room name and filter. */
  private readonly pending = new Map<string, PendingRoom[]>();

  /**
   * @param roomNames the quick-play room types (their `joinOrCreate` goes through here)
   * @param capOf how many pilots a room of that type seats (read when a room is opened)
   * @param seatable which processes may hand out a seat now (scale/scale-out.ts): rooms of a
   *   process that is draining, or was killed and is not swept from the listings yet, are not
   *   picked (a seat there would be closed at once, or wait out a 2 s IPC timeout)
   */
  constructor(
    private readonly roomNames: ReadonlySet<string>,
    private readonly capOf: (roomName: string) => number,
    private readonly seatable: () => Promise<(processId: string) => boolean> = async () => () => true,
  ) {}

  /**
   * Whether a matchmaking call is one this allocator answers. (`private: true` never reaches
   * here with `joinOrCreate`: the HTTP guard refuses it with 400.)
   */
  handles(method: string, roomName: string): boolean {
    return method === "joinOrCreate" && this.roomNames.has(roomName);
  }

  /** A seat in the fullest open room that has one for this request, or in a new room. */
  async joinOrCreate(
    roomName: string,
    options: Record<string, unknown>,
    authContext: AuthContext | undefined,
    fallback: () => Promise<SeatReservation>,
  ): Promise<SeatReservation> {
    const authData = await this.authenticate(roomName, options, authContext);
    const handler = matchMaker.getHandler(roomName);
    const filter = handler.getFilterOptions(options) as Record<string, unknown>;
    const key = `${roomName}\u0000${JSON.stringify(filter)}`;
    /** Rooms that turned this request away: not picked again by it. */
    const refused = new Set<string>();
    for (let pick = 0; pick < MAX_PICKS; pick++) {
      const room =
        (await this.pickOpenRoom(roomName, filter, handler.sortOptions, refused)) ??
        (await this.newRoom(key, roomName, options));
      this.reserving.set(room.roomId, (this.reserving.get(room.roomId) ?? 0) + 1);
      try {
        const seat = await matchMaker.reserveSeatFor(room, options, authData);
        this.stats.seats += 1;
        return seat;
      } catch (error) {
        // A room's own refusal with a status (ServerError) is the caller's answer. Anything else
        // from a reservation means this room cannot seat us now (full after all, locked, its
        // process gone: Colyseus's SeatReservationError, which it does not export): pick again.
        if (error instanceof ServerError) throw error;
        this.stats.missedPicks += 1;
        refused.add(room.roomId);
      } finally {
        const left = (this.reserving.get(room.roomId) ?? 1) - 1;
        if (left > 0) this.reserving.set(room.roomId, left);
        else this.reserving.delete(room.roomId);
      }
    }
    this.stats.fallbacks += 1;
    return fallback();
  }

  /** As Colyseus's `callOnAuth`: the room type's `onAuth`, its payload becomes `client.auth`. */
  private async authenticate(
    roomName: string,
    options: Record<string, unknown>,
    authContext: AuthContext | undefined,
  ): Promise<unknown> {
    const onAuth = (matchMaker.getRoomClass(roomName) as { onAuth?: (...args: unknown[]) => unknown }).onAuth;
    if (onAuth === undefined || authContext === undefined) return undefined;
    const result = await onAuth(authContext.token, options, authContext);
    if (result === false || result === null || result === undefined) {
      throw new ServerError(ErrorCode.AUTH_FAILED, "onAuth failed");
    }
    return result === true ? undefined : result;
  }

  /** The first open room (in the handler's order) with a seat not already being reserved here. */
  private async pickOpenRoom(
    roomName: string,
    filter: Record<string, unknown>,
    sortOptions: Parameters<typeof matchMaker.query>[1],
    refused: ReadonlySet<string>,
  ): Promise<RoomCache | undefined> {
    const [rooms, canSeat] = await Promise.all([
      matchMaker.query({ locked: false, name: roomName, private: false, ...filter }, sortOptions),
      this.seatable(),
    ]);
    for (const room of rooms) {
      if (refused.has(room.roomId) || !canSeat(room.processId)) continue;
      const { taken, cap } = seatsOf(room);
      if (taken + (this.reserving.get(room.roomId) ?? 0) < cap) return room;
    }
    return undefined;
  }

  /** A room being created that still has a seat for this request, or a new one. */
  private async newRoom(key: string, roomName: string, options: Record<string, unknown>): Promise<RoomCache> {
    let list = this.pending.get(key);
    if (list === undefined) {
      list = [];
      this.pending.set(key, list);
    }
    const open = list.find((p) => p.free > 0);
    if (open !== undefined) {
      open.free -= 1;
      return open.room;
    }
    const entry: PendingRoom = {
      room: matchMaker.createRoom(roomName, options),
      // This request takes the first seat.
      free: this.capOf(roomName) - 1,
    };
    list.push(entry);
    this.stats.roomsCreated += 1;
    const done = (): void => {
      const at = list.indexOf(entry);
      if (at >= 0) list.splice(at, 1);
      if (list.length === 0) this.pending.delete(key);
    };
    // Once created, the room is in the listings and later requests find it there.
    entry.room.then(done, done);
    return entry.room;
  }
}

/**
 * Answers quick play's `joinOrCreate` through `allocator`; every other matchmaking call goes to
 * Colyseus as before. Returns a function that puts the original back.
 */
export function installQuickPlay(allocator: QuickPlayAllocator): () => void {
  const controller = matchMaker.controller;
  const original: InvokeMethod = controller.invokeMethod;
  controller.invokeMethod = async function (
    this: typeof controller,
    method,
    roomName,
    clientOptions = {},
    authContext,
  ) {
    const options = clientOptions as Record<string, unknown>;
    if (!allocator.handles(method, roomName)) {
      return original.call(this, method, roomName, clientOptions, authContext);
    }
    try {
      return await allocator.joinOrCreate(roomName, options, authContext, () =>
        matchMaker.joinOrCreate(roomName, clientOptions, authContext),
      );
    } catch (error) {
      // The same shape Colyseus's controller gives its own errors (the HTTP route reads `code`).
      const e = error as { code?: number; message?: string };
      throw new ServerError(e.code ?? ErrorCode.MATCHMAKE_UNHANDLED, e.message ?? String(error));
    }
  } as InvokeMethod;
  return () => {
    controller.invokeMethod = original;
  };
}
