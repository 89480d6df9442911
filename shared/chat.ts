/**
 * The chat rule, one for the browser's field and the server, and the chat wire shapes.
 *
 * A message is at most {@link CHAT_MAX_CODE_UNITS} UTF-16 code units as typed (checked before
 * any other work), then normalised ({@link normalizeChatText}) and held to 1–{@link
 * CHAT_MAX_GRAPHEMES} user-perceived characters (grapheme clusters, so "👨‍👩‍👧‍👦", "🇫🇷" and
 * "é" written as e + accent each count once). Any other text is allowed, markup included:
 * clients draw chat as text, never as HTML.
 */
import { z } from "zod";
import { graphemes } from "./names.ts";

/** Longest message in user-perceived characters (grapheme clusters). */
export const CHAT_MAX_GRAPHEMES = 120;
/**
 * Hard cap on a message's raw length in UTF-16 code units, checked before normalising: bounds
 * the work and memory one message can cost, whatever its clusters. Five units per character
 * leaves room for 120 ordinary emoji; the text field's `maxlength` is the same.
 */
export const CHAT_MAX_CODE_UNITS = 480;

/** Message names, the same both ways: the client sends {@link ChatPayload}, the server {@link ChatLine}. */
export const ChatMessageType = {
  /** Client → server: {@link ChatPayload}. Server → client: {@link ChatLine}. */
  Chat: "chat",
} as const;
/** One of {@link ChatMessageType}. */
export type ChatMessageType = (typeof ChatMessageType)[keyof typeof ChatMessageType];

/** What a client sends to say something. */
export interface ChatPayload {
  readonly text: string;
}

/**
 * Who a line is from: `player` (said by a player, to everyone), `system` (the room's own news
 * to everyone: joins, leaves, kills) or `notice` (for one client only, e.g. "you are muted").
 */
export type ChatLineKind = "player" | "system" | "notice";

/** One line of chat, as the server sends it. */
export interface ChatLine {
  /** Increasing within a room; a client may drop a line whose id it already shows. */
  readonly id: number;
  readonly kind: ChatLineKind;
  /** Session id of the speaker (player lines). */
  readonly fromId?: string;
  /** Display name of the speaker (player lines). */
  readonly name?: string;
  /** Normalised text; show it as text, never as HTML. */
  readonly text: string;
  /** When the server accepted it, epoch ms. */
  readonly at: number;
}

const TOO_LONG = "message is too long";
const TOO_MANY = `message is longer than ${CHAT_MAX_GRAPHEMES} characters`;

/** Exactly `{ text: string }` with at most {@link CHAT_MAX_CODE_UNITS} code units; no other keys. */
export const chatPayloadSchema = z.strictObject(
  {
    text: z.string({ error: "message must be text" }).max(CHAT_MAX_CODE_UNITS, { error: TOO_LONG }),
  },
  { error: "message must be { text }" },
);

/** Tab, line feed, vertical tab, form feed, carriage return, next line: become spaces. */
const SPACING_CONTROLS = /[\t\n\v\f\r\u0085]/gu;
/**
 * Removed: the other control characters (C0, DEL, C1); bidi embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069), which could reorder the rest of the line; zero-width space
 * (U+200B), word joiner (U+2060) and byte order mark (U+FEFF); unpaired surrogates (a paste cut
 * by `maxlength`). Zero-width (non-)joiners stay: emoji sequences and several scripts need them.
 */
const REMOVED =
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  /[\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F\u202A-\u202E\u2066-\u2069\u200B\u2060\uFEFF\p{Cs}]/gu;
/** Something visible: not only spaces, marks and format characters. */
const VISIBLE = /[^\p{Z}\s\p{M}\p{Cf}]/u;

/**
 * Normal form of a message: NFC; line breaks and tabs become spaces; other control, bidi
 * override/isolate and zero-width characters removed (joiners kept); whitespace runs one
 * space; trimmed. Callers check the raw length against {@link CHAT_MAX_CODE_UNITS} first
 * ({@link checkChatText} and {@link chatPayloadSchema} do).
 */
export function normalizeChatText(raw: string): string {
  return raw.normalize("NFC").replace(SPACING_CONTROLS, " ").replace(REMOVED, "").replace(/\s+/gu, " ").trim();
}

/**
 * Why `text` (already normalised) breaks the rule, or null when it may be sent: "message is
 * empty" (nothing visible), "message is longer than 120 characters" (clusters), or "message is
 * too long" (over {@link CHAT_MAX_CODE_UNITS} code units, e.g. many long emoji sequences).
 */
export function chatProblem(text: string): string | null {
  if (!VISIBLE.test(text)) return "message is empty";
  // Fewer code units than the limit in clusters cannot be too many clusters.
  if (text.length <= CHAT_MAX_GRAPHEMES) return null;
  if (text.length > CHAT_MAX_CODE_UNITS) return TOO_LONG;
  if (graphemes(text).length > CHAT_MAX_GRAPHEMES) return TOO_MANY;
  return null;
}

/** A message ready to send, or why not. */
export type ChatTextCheck =
  { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

/**
 * The whole rule for typed text: the raw length cap, then {@link normalizeChatText}, then
 * {@link chatProblem}. The normalised text, or the reason (e.g. "message is empty").
 */
export function checkChatText(raw: string): ChatTextCheck {
  if (raw.length > CHAT_MAX_CODE_UNITS) return { ok: false, reason: TOO_LONG };
  const text = normalizeChatText(raw);
  const problem = chatProblem(text);
  return problem === null ? { ok: true, text } : { ok: false, reason: problem };
}
