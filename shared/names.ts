/**
 * The nickname rule, one for the browser's field and the server: letters and digits of any
 * script, emoji, spaces and ' ’ - _ . ; 1 to 16 user-perceived characters (grapheme clusters,
 * so "क्ष", "👨‍👩‍👧‍👦" and "🇫🇷" each count once). Markup, quotes, control and invisible
 * characters are refused, and so are clusters piled with marks ("zalgo"), which would draw over
 * other text.
 */
import { NICKNAME_MAX_LENGTH } from "./constants.ts";

/** Longest nickname in UTF-16 code units, whatever its clusters: bounds storage and drawing. */
export const NICKNAME_MAX_CODE_UNITS = 96;

const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });

/** The grapheme clusters (user-perceived characters) of `text`. */
export function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** Normal form of a typed name: NFC, trimmed, every run of whitespace one space. */
export function normalizeNickname(raw: string): string {
  return raw.normalize("NFC").trim().replace(/\s+/gu, " ");
}

/**
 * A cluster of letters or digits (one base, or an Indic conjunct of up to four) with at most
 * four combining marks each; joiners only inside a conjunct.
 */
const WORD_CLUSTER = /^(?:[\p{L}\p{N}][\p{M}\u200C\u200D]{0,4}){1,4}$/u;
/** One emoji: a pictograph, flag or keycap, with its modifiers, joiners and tags. */
const EMOJI_CLUSTER =
  /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|[0-9#*]\uFE0F?\u20E3)(?:[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\uFE0F\u20E3\u200D]|[\u{E0020}-\u{E007F}]){0,14}$/u;
/** The punctuation a name may hold, and the space. */
const PUNCTUATION = new Set([" ", "'", "’", "-", "_", "."]);

/** Why `name` (already normalised) breaks the rule, or null when it is a valid nickname. */
export function nicknameProblem(name: string): string | null {
  if (name.length === 0) return "nickname is empty";
  const clusters = graphemes(name);
  if (clusters.length <= NICKNAME_MAX_LENGTH && name.length > NICKNAME_MAX_CODE_UNITS) {
    // Few characters, but built of long sequences (family emoji, flags with tags): say so.
    return `nickname is too long: its characters take more than ${NICKNAME_MAX_CODE_UNITS} UTF-16 code units`;
  }
  if (clusters.length > NICKNAME_MAX_LENGTH) return `nickname is longer than ${NICKNAME_MAX_LENGTH} characters`;
  for (const c of clusters) {
    if (!PUNCTUATION.has(c) && !WORD_CLUSTER.test(c) && !EMOJI_CLUSTER.test(c)) {
      return "nickname may hold letters, digits, emoji, spaces and ' - _ . only";
    }
  }
  return null;
}

/** The first `NICKNAME_MAX_LENGTH` clusters of what is being typed (for the text field). */
export function clampNickname(typed: string): string {
  const clusters = graphemes(typed);
  return clusters.length <= NICKNAME_MAX_LENGTH ? typed : clusters.slice(0, NICKNAME_MAX_LENGTH).join("");
}

/**
 * The name to show for a new player, distinct from `taken` (the names shown in the room):
 * `name` itself, else "name 2", "name 3"…
 */
export function distinctName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) {
    const candidate = `${name} ${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

const ADJECTIVES = ["Swift", "Bold", "Quiet", "Lucky", "Brave", "Clever", "Rapid", "Silent", "Bright", "Steady"];
const NOUNS = ["Falcon", "Comet", "Otter", "Raven", "Lynx", "Nova", "Pike", "Wasp", "Heron", "Fox"];

/** A generated nickname for an empty field, e.g. "Swift Falcon 42" (always valid). */
export function generatedNickname(random: () => number = Math.random): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  return `${pick(ADJECTIVES)} ${pick(NOUNS)} ${Math.floor(random() * 90) + 10}`;
}
