/**
 * The lobby and the ranked queue: Colyseus's own `LobbyRoom` and `QueueRoom`, each behind the
 * message-room frame guard, and the queue taught to read a player's rating from the store
 * (never from client options, where the stock `QueueRoom` takes `rank`).
 */
import { LobbyRoom, matchMaker, QueueRoom, ServerError, type Client } from "@colyseus/core";
import type { IRoomCache, QueueClientData, QueueMatchGroup, QueueOptions } from "@colyseus/core";
import { RANKED_MATCH_PLAYERS } from "../../shared/constants.ts";
import { RoomName } from "../../shared/protocol.ts";
import { TokenError, type GuestTokens } from "../identity/guest-tokens.ts";
import type { FaultLog } from "../log/fault-log.ts";
import { ROOM_LIMIT_MESSAGE } from "../security/http-guard.ts";
import { guardMessageRoom } from "../security/message-room-guard.ts";
import type { PlayerStore } from "../store/player-store.ts";

/** Whether this process may open one more room (`MAX_ROOMS`); every room type asks it. */
export type RoomCapacity = () => boolean;

/** The lobby: live list of open public arenas (`rooms`, `+`, `-` messages; see PROTOCOL.md). */
export function guardedLobbyRoom(faults: FaultLog, capacity: RoomCapacity): typeof LobbyRoom {
  /** This server's lobby rooms (at most one). */
  const liveLobbies = new Set<LobbyRoom>();
  return class GuardedLobbyRoom extends LobbyRoom {
    override async onCreate(options: Parameters<LobbyRoom["onCreate"]>[0]): Promise<void> {
      // One lobby per process: every client of it sees the same list, and `create("lobby")`
      // must not open lobby after lobby.
      if (liveLobbies.size > 0) throw new ServerError(409, 'the lobby is joined with joinOrCreate("lobby")');
      if (!capacity()) throw new ServerError(503, ROOM_LIMIT_MESSAGE);
      liveLobbies.add(this);
      guardMessageRoom(this, faults);
      await super.onCreate(options);
    }

    override onDispose(): void {
      liveLobbies.delete(this);
      super.onDispose();
    }

    /**
     * The list is of public arenas, whatever filter a client sends: the stock "filter" message
     * would let a client filter on metadata the queue rooms do not have, which throws inside
     * LobbyRoom.
     */
    override filterItemForClient(room: IRoomCache): boolean {
      return room.name === RoomName.Arena || room.name === RoomName.ArenaLarge;
    }
  };
}

/** Who waits in the ranked queue, as `onAuth` found them. */
interface RankedAuth {
  readonly playerId: string;
  readonly name: string;
  readonly rating: number;
}

/**
 * A group may take a player whose rating is within this many points of the group's average,
 * widened every second the player has waited, so nobody waits forever for a perfect match.
 */
export const RATING_BAND = 150;
export const BAND_WIDENING_PER_CYCLE = 50;

/** Whether `client` fits `group` (the QueueRoom's `compare`). */
export function fitsRatingBand(client: QueueClientData, group: QueueMatchGroup): boolean {
  const band = RATING_BAND + BAND_WIDENING_PER_CYCLE * (client.currentCycle ?? 0);
  return Math.abs(client.rank - group.averageRank) <= band;
}

/** The ranked queue rooms of this process (at most one). */
const liveQueues = new Set<QueueRoom>();

/**
 * The ranked queue room type: token-checked, rating from the store. `draining` tells whether
 * this process is draining (SIGTERM): it then hands out no seats, so its queue seats no group
 * (see `processGroupsReady`).
 */
export function rankedQueueRoom(
  tokens: GuestTokens,
  store: PlayerStore,
  faults: FaultLog,
  capacity: RoomCapacity,
  draining: () => boolean,
): typeof QueueRoom {
  return class RankedQueueRoom extends QueueRoom {
    static override async onAuth(token: string): Promise<RankedAuth> {
      try {
        const identity = await tokens.verify(token);
        const record = (await store.ratings([identity.playerId])).get(identity.playerId);
        if (record === undefined) throw new Error("the store returned no rating");
        return { playerId: identity.playerId, name: identity.name, rating: record.rating };
      } catch (error) {
        if (error instanceof TokenError) throw new ServerError(401, error.message);
        throw error;
      }
    }

    override onCreate(options: QueueOptions): void {
      // One queue per process: `create("ranked")` must not open a queue of one's own (a group
      // of alt accounts), and a player must not wait in two queues at once.
      if (liveQueues.size > 0) throw new ServerError(409, 'the ranked queue is joined with joinOrCreate("ranked")');
      if (!capacity()) throw new ServerError(503, ROOM_LIMIT_MESSAGE);
      liveQueues.add(this);
      guardMessageRoom(this, faults);
      super.onCreate(options);
    }

    override onDispose(): void {
      liveQueues.delete(this);
    }

    /**
     * While the process drains, no group is seated: matchmaking refuses new seats with 503, and
     * the queue would otherwise open a ranked arena that the shutdown closes seconds later
     * (with one process alone, or no other live one, Colyseus places it here). The players wait
     * on, and the shutdown closes the queue with 4001 ("the server is restarting"), after which
     * the client may queue again, on another process. (A drain is never called off, so a
     * group held here is never seated later.)
     */
    override processGroupsReady(): void {
      if (draining()) return;
      super.processGroupsReady();
    }

    override onJoin(client: Client, _options: unknown, auth?: unknown): void {
      const { playerId, rating } = auth as RankedAuth;
      // One place in the queue per player: a second tab would put one player in a match twice.
      if (this.clients.some((c) => c !== client && (c.auth as RankedAuth | undefined)?.playerId === playerId)) {
        throw new ServerError(409, "you are already in the ranked queue");
      }
      this.addToQueue(client as Parameters<QueueRoom["addToQueue"]>[0], { rank: rating, options: {} });
    }
  };
}

/** The ranked queue's options: groups of `RANKED_MATCH_PLAYERS`, seated in a ranked arena. */
export const RANKED_QUEUE_OPTIONS: QueueOptions = {
  matchRoomName: RoomName.Arena,
  maxPlayers: RANKED_MATCH_PLAYERS,
  compare: fitsRatingBand,
  onGroupReady: () => matchMaker.createRoom(RoomName.Arena, { ranked: true }),
};
