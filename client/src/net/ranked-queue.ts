/**
 * The ranked queue from the browser: wait in the server's queue room (Colyseus `QueueRoom`)
 * until it groups you with players of similar rating, then take the seat it reserved and
 * confirm, which lets the queue release you.
 */
import { Client, type Room } from "@colyseus/sdk";
import { CloseCodes, RoomName } from "../../../shared/protocol.ts";
import type { SeatReservation } from "./join-target.ts";
import { describeClose } from "./messages.ts";

/** The seat promise's rejection when the player left the queue themselves: nothing went wrong. */
export class RankedQueueCancelled extends Error {
  constructor() {
    super("Left the ranked queue.");
    this.name = "RankedQueueCancelled";
  }
}

/** The menu's line while searching: how many pilots the queue has grouped with you so far. */
export function rankedSearchText(grouped: number, rating: number | null | undefined): string {
  const pilots = grouped === 1 ? "1 pilot" : `${grouped} pilots`;
  return `Searching for a ranked match (rating ${rating ?? "new"}): ${pilots} found… press again to cancel`;
}

/** Why the queue let go of you when you did not cancel (the server closed it). */
export function rankedQueueLost(code: number): string {
  if (code === CloseCodes.Consented) return "Left the ranked queue.";
  return `${describeClose(code)} You are no longer in the ranked queue.`;
}

export interface RankedWait {
  /** Resolves with the seat the queue reserved for you. */
  readonly seat: Promise<SeatReservation>;
  /** Tell the queue you took the seat (it then closes your queue socket). */
  confirm(): void;
  /** Leave the queue (`seat` then rejects with {@link RankedQueueCancelled}). */
  cancel(): void;
}

/** Joins the ranked queue with `token`; `onWaiting` hears how many are grouped with you so far. */
export async function joinRankedQueue(
  serverUrl: string,
  token: string,
  onWaiting: (grouped: number) => void,
): Promise<RankedWait> {
  const client = new Client(serverUrl);
  client.auth.token = token;
  const room: Room = await client.joinOrCreate(RoomName.Ranked);
  room.reconnection.maxRetries = 0;
  let cancelled = (): void => undefined;
  const seat = new Promise<SeatReservation>((resolve, reject) => {
    room.onMessage("clients", (n: number) => onWaiting(n));
    room.onMessage("seat", (reservation: SeatReservation) => resolve(reservation));
    room.onLeave((code) => reject(new Error(rankedQueueLost(code))));
    cancelled = () => reject(new RankedQueueCancelled());
  });
  // A rejection after we stopped waiting must not surface as unhandled.
  seat.catch(() => undefined);
  return {
    seat,
    confirm: () => room.send("confirm"),
    cancel: () => {
      // First, so the leave's close (code 4000) that follows finds the promise settled.
      cancelled();
      void room.leave(true).catch(() => undefined);
    },
  };
}

/** The top ratings (`GET /leaderboard`). */
export interface LeaderboardRow {
  readonly rank: number;
  readonly name: string;
  readonly rating: number;
  readonly games: number;
}

export async function fetchLeaderboard(serverUrl: string, limit = 10): Promise<LeaderboardRow[]> {
  const res = await fetch(`${serverUrl.replace(/\/$/, "")}/leaderboard?limit=${limit}`);
  if (!res.ok) throw new Error(`leaderboard: HTTP ${res.status}`);
  return ((await res.json()) as { players: LeaderboardRow[] }).players;
}
