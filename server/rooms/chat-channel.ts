/**
 * One room's chat, without Colyseus: checks what players say against the chat rule
 * (shared/chat.ts), rate-limits each client with its own token bucket, broadcasts accepted
 * lines and keeps a short history for clients that join late.
 *
 * A client that empties its bucket is muted for `muteMs`: it gets one notice when the mute
 * starts, and everything it sends until the mute ends is dropped silently. Invalid messages
 * take a token too, so a flood of garbage mutes as well. Other clients are never affected.
 *
 * Memory is bounded: one small record per live client (the room calls {@link ChatChannel.forget}
 * when a client leaves) and a history of at most `historySize` lines.
 */
import { checkChatText, chatPayloadSchema, type ChatLine } from "../../shared/chat.ts";
import { TokenBucket, type RateLimit } from "../security/rate-limiter.ts";

export interface ChatChannelOptions {
  /** Sends a line to every client of the room. */
  broadcast(line: ChatLine): void;
  /** Sends a line to one client (notices). */
  sendTo(clientId: string, line: ChatLine): void;
  /** Wall clock in epoch ms (default `Date.now`): stamps lines and drives the buckets. */
  now?: () => number;
  /** Each client's bucket (default 4 messages at once, refilling 0.5 per second). */
  rate?: RateLimit;
  /** How long a client that empties its bucket stays muted, ms (default 15,000). */
  muteMs?: number;
  /** Lines kept for {@link ChatChannel.history} (default 30). */
  historySize?: number;
}

/** What became of a posted message. */
export type ChatPostResult = "sent" | "muted" | "invalid";

export const CHAT_DEFAULT_RATE: RateLimit = { perSecond: 0.5, burst: 4 };
export const CHAT_DEFAULT_MUTE_MS = 15_000;
export const CHAT_DEFAULT_HISTORY_SIZE = 30;

interface Speaker {
  readonly bucket: TokenBucket;
  /** Muted while `now() < mutedUntil`. */
  mutedUntil: number;
}

export class ChatChannel {
  private readonly broadcastLine: (line: ChatLine) => void;
  private readonly sendLineTo: (clientId: string, line: ChatLine) => void;
  private readonly now: () => number;
  private readonly rate: RateLimit;
  private readonly muteMs: number;
  private readonly historySize: number;
  private readonly speakers = new Map<string, Speaker>();
  private readonly lines: ChatLine[] = [];
  private nextId = 1;

  constructor(options: ChatChannelOptions) {
    this.broadcastLine = options.broadcast;
    this.sendLineTo = options.sendTo;
    this.now = options.now ?? Date.now;
    this.rate = options.rate ?? CHAT_DEFAULT_RATE;
    this.muteMs = options.muteMs ?? CHAT_DEFAULT_MUTE_MS;
    this.historySize = Math.max(0, Math.floor(options.historySize ?? CHAT_DEFAULT_HISTORY_SIZE));
  }

  /**
   * A client says something: `payload` is the raw message body, `name` the display name the
   * room shows for `clientId`. "sent": broadcast to everyone. "invalid": only the sender gets
   * a notice with the reason. "muted": dropped (with one notice when the mute starts).
   */
  post(clientId: string, name: string, payload: unknown): ChatPostResult {
    const t = this.now();
    const speaker = this.speakerFor(clientId, t);
    if (t < speaker.mutedUntil) return "muted";
    if (!speaker.bucket.take(t)) {
      speaker.mutedUntil = t + this.muteMs;
      this.notice(clientId, `You are sending messages too fast: muted for ${Math.ceil(this.muteMs / 1000)} s.`, t);
      return "muted";
    }
    const parsed = chatPayloadSchema.safeParse(payload);
    const check = parsed.success
      ? checkChatText(parsed.data.text)
      : { ok: false as const, reason: parsed.error.issues[0]?.message ?? "message is not valid" };
    if (!check.ok) {
      this.notice(clientId, `Not sent: ${check.reason}.`, t);
      return "invalid";
    }
    this.publish({ id: this.nextId++, kind: "player", fromId: clientId, name, text: check.text, at: t });
    return "sent";
  }

  /** The room's own news to everyone (joins, leaves, kills); kept in the history. */
  system(text: string): void {
    this.publish({ id: this.nextId++, kind: "system", text, at: this.now() });
  }

  /**
   * The room's news to some clients only (a kill far from most pilots of a large room): not
   * kept in the history, which is everyone's.
   */
  systemTo(text: string, clientIds: Iterable<string>): void {
    const line: ChatLine = { id: this.nextId++, kind: "system", text, at: this.now() };
    for (const id of clientIds) this.sendLineTo(id, line);
  }

  /** The last player and system lines, oldest first (notices are not kept). */
  history(): readonly ChatLine[] {
    return this.lines.slice();
  }

  /** Drops what is kept for `clientId` (call when it leaves the room). */
  forget(clientId: string): void {
    this.speakers.delete(clientId);
  }

  private publish(line: ChatLine): void {
    if (this.historySize > 0) {
      this.lines.push(line);
      if (this.lines.length > this.historySize) this.lines.shift();
    }
    this.broadcastLine(line);
  }

  private notice(clientId: string, text: string, t: number): void {
    this.sendLineTo(clientId, { id: this.nextId++, kind: "notice", text, at: t });
  }

  private speakerFor(clientId: string, t: number): Speaker {
    let speaker = this.speakers.get(clientId);
    if (speaker === undefined) {
      speaker = { bucket: new TokenBucket(this.rate, t), mutedUntil: -Infinity };
      this.speakers.set(clientId, speaker);
    }
    return speaker;
  }
}
