/**
 * The nickname rule, one table for both sides: the browser's check (client/src/ui/nickname.ts)
 * and the server's join-option validator (shared/protocol.ts) accept and refuse the same names.
 */
import { describe, expect, it } from "vitest";
import { checkNickname } from "../../client/src/ui/nickname.ts";
import { NICKNAME_MAX_LENGTH } from "../../shared/constants.ts";
import { clampNickname, distinctName, generatedNickname, graphemes } from "../../shared/names.ts";
import { joinOptionsSchema } from "../../shared/protocol.ts";

const ACCEPTED: [string, string][] = [
  ["plain", "Ann"],
  ["an apostrophe", "O'Neil"],
  ["a typographic apostrophe", "O’Neil"],
  ["accents", "Zoë Ångström"],
  ["Devanagari conjuncts", "क्षत्रिय"],
  ["Han", "李小龙"],
  ["Arabic", "سارة"],
  ["Cyrillic and digits", "Пилот 7"],
  ["an emoji", "Ann 🚀"],
  ["a family emoji", "👨‍👩‍👧‍👦 Dad"],
  ["a skin tone", "👍🏽 Kim"],
  ["a flag", "🇫🇷 Jean"],
  ["a keycap", "1️⃣ Ace"],
  ["punctuation", "a.b-c_d"],
  ["16 letters", "A".repeat(16)],
  ["16 emoji (32 code units)", "🚀".repeat(16)],
  ["16 clusters of a + combining accent", "a\u0301".repeat(16)],
];

const REFUSED: [string, string][] = [
  ["empty", ""],
  ["spaces only", "    "],
  ["17 letters", "A".repeat(17)],
  ["17 emoji", "🚀".repeat(17)],
  ["a script tag", "<script>"],
  ["markup", "Ann<b>"],
  ["quotes", 'Ann"'],
  ["a NUL", "Ann\u0000"],
  ["an escape", "\u001b[31mAnn"],
  ["a zero-width space", "An\u200bn"],
  ["a right-to-left override", "\u202eAnn"],
  ["zalgo", `Z${"\u0300\u0301\u0302\u0303\u0304\u0305\u0306".repeat(3)}algo`],
  ["a slash", "a/b"],
  ["an at sign", "ann@x"],
];

describe("the nickname rule, in the browser and on the server", () => {
  it.each(ACCEPTED)("accepts %s", (_label, name) => {
    expect(checkNickname(name).ok).toBe(true);
    expect(joinOptionsSchema.safeParse({ name }).success).toBe(true);
  });

  it.each(REFUSED)("refuses %s", (_label, name) => {
    expect(checkNickname(name).ok).toBe(false);
    expect(joinOptionsSchema.safeParse({ name }).success).toBe(false);
  });

  it("counts grapheme clusters, not code units", () => {
    expect(graphemes("👨‍👩‍👧‍👦🇫🇷क्ष")).toHaveLength(3);
    expect(clampNickname("🚀".repeat(20))).toBe("🚀".repeat(NICKNAME_MAX_LENGTH));
    expect(clampNickname("short")).toBe("short");
  });

  it("says why a name is refused", () => {
    const long = checkNickname("x".repeat(17));
    expect(!long.ok && long.reason).toBe("Nickname is longer than 16 characters.");
    const bad = checkNickname("<b>");
    expect(!bad.ok && bad.reason).toMatch(/letters, digits, emoji/);
    // 16 characters, but over the code-unit bound: the reason names that bound, not "16 characters".
    const heavy = checkNickname("👨‍👩‍👧‍👦".repeat(16));
    expect(!heavy.ok && heavy.reason).toMatch(/too long: .*96 UTF-16 code units/);
  });

  it("makes displayed names distinct within a room", () => {
    expect(distinctName("Ann", new Set())).toBe("Ann");
    expect(distinctName("Ann", new Set(["Ann"]))).toBe("Ann 2");
    expect(distinctName("Ann", new Set(["Ann", "Ann 2"]))).toBe("Ann 3");
  });

  it("generates valid names for an empty field", () => {
    let seed = 1;
    const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let i = 0; i < 200; i++) expect(checkNickname(generatedNickname(random)).ok).toBe(true);
  });
});
