/**
 * How much of the server-wide live feed reaches players in arenas.
 *
 * Every arena of every process hears every event (one pub/sub topic), so sending each one to
 * every player costs the process (events × players): events grow with the arenas of the whole
 * cluster, players with this process's. Match starts and ends alone, at 5-minute matches, are
 * 0.8 events a second for 125 arenas and 8 a second for a cluster of ten such processes: 16,000
 * messages a second on a process of 2,000 players, and a chat panel scrolling faster than anyone
 * reads. (In a benchmark ramp to 1,500 players, the match starts of 94 arenas filling at once
 * took up to 17 % of the server's core.)
 *
 * So players get a share: every operator announcement, every event of their own arena, and of
 * the rest at most a burst of {@link LIVE_SHARE_BURST} then one per {@link LIVE_SHARE_EVERY_MS}:
 * a token bucket (rate-limiter.ts) per process, on the monotonic clock, decided once per event
 * for all its arenas. A match start, the least news, passes only while a token would remain,
 * so streaks and results keep their place. Pages (`GET /events`) and the recent history keep
 * every event.
 */
import { LiveKind, type LiveEvent } from "../../shared/live.ts";
import { TokenBucket } from "../security/rate-limiter.ts";

/** Events of other arenas a player may get in one burst. */
export const LIVE_SHARE_BURST = 3;
/** After a burst, one event of another arena per this many milliseconds, at most. */
export const LIVE_SHARE_EVERY_MS = 4000;

export class PlayerLiveShare {
  private readonly bucket: TokenBucket;

  constructor(burst = LIVE_SHARE_BURST, everyMs = LIVE_SHARE_EVERY_MS, now = performance.now()) {
    this.bucket = new TokenBucket({ perSecond: 1000 / everyMs, burst }, now);
  }

  /**
   * Whether players of arenas other than the event's own get `event` (its own arena's players
   * always do: server/rooms/live-events.ts). Announcements always pass and cost nothing.
   */
  admit(event: LiveEvent, now = performance.now()): boolean {
    if (event.kind === LiveKind.Announcement) return true;
    return this.bucket.take(now, event.kind === LiveKind.MatchStart ? 1 : 0);
  }
}
