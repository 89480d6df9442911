/**
 * The chat rule, one for the browser's field and the server, and the chat wire shapes.
 *
 * A message is at most {@link CHAT_MAX_CODE_UNITS} UTF-16 code units and {@link CHAT_MAX_BYTES}
 * bytes of UTF-8 as typed (checked before any other work), then normalised ({@link normalizeChatText}) and held to 1–{@link
 * CHAT_MAX_GRAPHEMES} user-perceived characters (grapheme clusters, so "👨‍👩‍👧‍👦", "🇫🇷" and
 * "é" written as e + accent each count once). Any other text is allowed, markup included:
 * clients draw chat as text, never as HTML.
 */
import { z } from "zod";
import { MAX_PAYLOAD_BYTES } from "./constants.ts";
import { graphemes } from "./names.ts";

/** Longest message in user-perceived characters (grapheme clusters). */
export const CHAT_MAX_GRAPHEMES = 120;
/**
 * Hard cap on a message's raw length in UTF-16 code units, checked before normalising: bounds
 * the work and memory one message can cost, whatever its clusters. Five units per character
 * leaves room for 120 ordinary emoji; the text field's `maxlength` is the same.
 */
export const CHAT_MAX_CODE_UNITS = 480;
/**
 * Hard cap on a message's raw length in bytes of UTF-8 (as it travels): with the message's
 * framing (≈ 15 bytes) every valid line fits the server's 1024-byte frame limit, so a line the
 * rule accepts never gets its sender disconnected (1009). It binds only for scripts of three
 * bytes per code unit, e.g. 106 Devanagari conjuncts like "क्ष".
 */
export const CHAT_MAX_BYTES = MAX_PAYLOAD_BYTES - 64;

/** Length of `text` in bytes of UTF-8 (an unpaired surrogate counts as the 3 bytes of U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Whether raw text is over either hard cap (code units, or bytes of UTF-8). */
function overRawCaps(raw: string): boolean {
  // Up to 320 code units cannot reach 960 bytes (at most 3 bytes per unit).
  return raw.length > CHAT_MAX_CODE_UNITS || (raw.length * 3 > CHAT_MAX_BYTES && utf8Length(raw) > CHAT_MAX_BYTES);
}

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

/**
 * Exactly `{ text: string }` with at most {@link CHAT_MAX_CODE_UNITS} code units and {@link
 * CHAT_MAX_BYTES} bytes of UTF-8; no other keys.
 */
export const chatPayloadSchema = z.strictObject(
  {
    text: z
      .string({ error: "message must be text" })
      .max(CHAT_MAX_CODE_UNITS, { error: TOO_LONG })
      .refine((text) => !overRawCaps(text), { error: TOO_LONG }),
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
 * too long" (over {@link CHAT_MAX_CODE_UNITS} code units or {@link CHAT_MAX_BYTES} bytes, e.g.
 * many long emoji sequences).
 */
export function chatProblem(text: string): string | null {
  if (!VISIBLE.test(text)) return "message is empty";
  // Fewer code units than the limit in clusters cannot be too many clusters.
  if (text.length <= CHAT_MAX_GRAPHEMES) return null;
  if (overRawCaps(text)) return TOO_LONG;
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
  if (overRawCaps(raw)) return { ok: false, reason: TOO_LONG };
  const text = normalizeChatText(raw);
  const problem = chatProblem(text);
  return problem === null ? { ok: true, text } : { ok: false, reason: problem };
}
