/**
 * The ranked queue from the browser: wait in the server's queue room (Colyseus `QueueRoom`)
 * until it groups you with players of similar rating, then take the seat it reserved and
 * confirm, which lets the queue release you.
 */
import { Client, type Room } from "@colyseus/sdk";
import { RoomName } from "../../../shared/protocol.ts";
import type { SeatReservation } from "./join-target.ts";

export interface RankedWait {
  /** Resolves with the seat the queue reserved for you. */
  readonly seat: Promise<SeatReservation>;
  /** Tell the queue you took the seat (it then closes your queue socket). */
  confirm(): void;
  /** Leave the queue. */
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
  const seat = new Promise<SeatReservation>((resolve, reject) => {
    room.onMessage("clients", (n: number) => onWaiting(n));
    room.onMessage("seat", (reservation: SeatReservation) => resolve(reservation));
    room.onLeave((code) => reject(new Error(`left the ranked queue (code ${code})`)));
  });
  // A rejection after we stopped waiting must not surface as unhandled.
  seat.catch(() => undefined);
  return {
    seat,
    confirm: () => room.send("confirm"),
    cancel: () => void room.leave(true).catch(() => undefined),
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
