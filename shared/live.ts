/**
 * The server-wide "live now" feed: announcements and match events that reach every player on
 * every server process (over the presence's pub/sub: Redis in a cluster, in-process alone).
 * Players in an arena receive them as the `live` room message; plain web pages read the same
 * events as Server-Sent Events from `GET /events` (see docs/PROTOCOL.md, "Live feed").
 */
import { z } from "zod";

/** Kinds of live events. */
export const LiveKind = {
  /** An operator's message to everyone (`POST /admin/announce`). */
  Announcement: "announcement",
  /** A match began in some arena. */
  MatchStart: "match-start",
  /** A match ended: `pilot` and `kills` are its top pilot and that pilot's kills. */
  MatchEnd: "match-end",
  /** A pilot reached a kill streak worth telling everyone about. */
  KillStreak: "kill-streak",
} as const;
/** One of {@link LiveKind}. */
export type LiveKind = (typeof LiveKind)[keyof typeof LiveKind];

/** Longest text of a live event, in characters. */
export const LIVE_TEXT_MAX = 200;

/** Kills in a row (without dying) that make a {@link LiveKind.KillStreak} event. */
export const KILL_STREAK_ANNOUNCED = 5;

/** The room message name players receive live events on. */
export const LIVE_MESSAGE = "live";

/** The SSE event name of `GET /events`. */
export const LIVE_SSE_EVENT = "live";

/** How many recent events the feed replays to a new SSE client or a new panel. */
export const LIVE_HISTORY = 20;

/** One live event, as published, sent to players and streamed to pages. */
export interface LiveEvent {
  /** Unique per event (process id + counter): pages use it to drop duplicates. */
  readonly id: string;
  readonly kind: LiveKind;
  /** One line for people, e.g. "Ace won a match in arena XyZ12 with 7 kills". */
  readonly text: string;
  /** When it happened, epoch ms (the publishing process's clock). */
  readonly at: number;
  /** The room it happened in, when it happened in one. */
  readonly roomId?: string;
  /** The pilot it is about (winner, streaker), when there is one. */
  readonly pilot?: string;
  /** Kills of that pilot (match end, streak). */
  readonly kills?: number;
}

/** Validates a live event read from the wire (pub/sub from another process, or a page). */
export const liveEventSchema = z.object({
  id: z.string().min(1).max(64),
  kind: z.enum([LiveKind.Announcement, LiveKind.MatchStart, LiveKind.MatchEnd, LiveKind.KillStreak]),
  text: z.string().min(1).max(LIVE_TEXT_MAX),
  at: z.number().int().nonnegative(),
  roomId: z.string().max(64).optional(),
  pilot: z.string().max(32).optional(),
  kills: z.number().int().nonnegative().optional(),
});
