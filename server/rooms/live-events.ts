/**
 * An arena's part in the server-wide live feed (shared/live.ts): it publishes its match starts
 * and ends and its kill streaks, and hands live events to its players as the `live` message:
 * its own events and announcements always, other arenas' events when the process's share for
 * players admits them (server/live/player-share.ts). Private and ranked arenas publish without
 * their room id (a private room's id is its join code), so an arena knows its own events by the
 * ids it published.
 */
import { KILL_STREAK_ANNOUNCED, LIVE_MESSAGE, LiveKind, type LiveEvent } from "../../shared/live.ts";
import type { ArenaMode } from "../../shared/protocol.ts";
import { Phase, type World } from "../../shared/sim/index.ts";
import type { LiveFeed } from "../live/live-feed.ts";

export interface LiveRoom {
  readonly roomId: () => string;
  readonly mode: () => ArenaMode;
  readonly broadcast: (type: string, event: LiveEvent) => void;
}

/** Ids of its own events an arena remembers until they come back (bounded if they never do). */
const OWN_IDS_MAX = 32;

export class RoomLiveEvents {
  private readonly streaks = new Map<string, number>();
  private readonly unsubscribe: () => void;
  /** Ids of the events this arena published that have not come back through the feed yet. */
  private readonly own = new Set<string>();

  constructor(
    private readonly feed: LiveFeed,
    private readonly room: LiveRoom,
  ) {
    this.unsubscribe = feed.subscribe((event, admitted) => {
      // Its own: published here (private and ranked arenas carry no room id), or naming it.
      const own = this.own.delete(event.id) || (event.roomId !== undefined && event.roomId === room.roomId());
      if (admitted || own) room.broadcast(LIVE_MESSAGE, event);
    });
  }

  private publish(input: Parameters<LiveFeed["publish"]>[0]): void {
    this.feed.publish(input, (id) => {
      if (this.own.size >= OWN_IDS_MAX) {
        const oldest = this.own.values().next();
        if (oldest.done !== true) this.own.delete(oldest.value);
      }
      this.own.add(id);
    });
  }

  /** Where the event happened, as everyone may read it. */
  private where(): { place: string; roomId?: string } {
    const mode = this.room.mode();
    const roomId = this.room.roomId();
    if (mode === "quick") return { place: `arena ${roomId}`, roomId };
    return { place: mode === "ranked" ? "a ranked arena" : "a private arena" };
  }

  /** A ship was destroyed: the killer's streak grows, the victim's ends. */
  kill(world: World, killerId: string, victimId: string): void {
    this.streaks.delete(victimId);
    const streak = (this.streaks.get(killerId) ?? 0) + 1;
    this.streaks.set(killerId, streak);
    if (streak < KILL_STREAK_ANNOUNCED || streak % KILL_STREAK_ANNOUNCED !== 0) return;
    const pilot = world.ships.get(killerId)?.name ?? "someone";
    const { place, roomId } = this.where();
    this.publish({
      kind: LiveKind.KillStreak,
      text: `${pilot} is on a ${streak}-kill streak in ${place}`,
      pilot,
      kills: streak,
      ...(roomId !== undefined ? { roomId } : {}),
    });
  }

  /** The world changed phase: a match began or ended. */
  phaseChanged(world: World, previous: number): void {
    const { place, roomId } = this.where();
    const at = roomId !== undefined ? { roomId } : {};
    if (world.phase === Phase.Playing && previous !== Phase.Playing) {
      this.streaks.clear();
      const pilots = world.ships.size;
      this.publish({ kind: LiveKind.MatchStart, text: `A match began in ${place} with ${pilots} pilots`, ...at });
    } else if (previous === Phase.Playing && world.phase !== Phase.Playing) {
      let top: { name: string; kills: number } | null = null;
      for (const ship of world.ships.values()) {
        if (top === null || ship.kills > top.kills) top = { name: ship.name, kills: ship.kills };
      }
      const text =
        top === null
          ? `A match ended in ${place}`
          : `${top.name} won a match in ${place} with ${top.kills} kill${top.kills === 1 ? "" : "s"}`;
      this.publish({
        kind: LiveKind.MatchEnd,
        text,
        ...at,
        ...(top !== null ? { pilot: top.name, kills: top.kills } : {}),
      });
    }
  }

  /** The room is gone: no more events to its players. */
  dispose(): void {
    this.unsubscribe();
  }
}
