/**
 * The chat rule (shared/chat.ts), one for the browser's field and the server, and the room's
 * chat channel (server/rooms/chat-channel.ts) with an injected clock: validation, per-client
 * rate limits and mutes, history.
 */
import { describe, expect, it } from "vitest";
import {
  CHAT_MAX_BYTES,
  CHAT_MAX_CODE_UNITS,
  CHAT_MAX_GRAPHEMES,
  ChatMessageType,
  chatPayloadSchema,
  chatProblem,
  checkChatText,
  normalizeChatText,
  utf8Length,
  type ChatLine,
} from "../../shared/chat.ts";
import { ChatChannel, type ChatChannelOptions } from "../../server/rooms/chat-channel.ts";

describe("normalizeChatText", () => {
  it.each([
    ["NFC", "e\u0301te\u0301", "\u00e9t\u00e9"],
    ["trims and collapses whitespace", "  gg \u3000 wp\u00a0 ", "gg wp"],
    ["line breaks and tabs become spaces", "a\nb\r\nc\td\u2028e\u0085f", "a b c d e f"],
    ["removes other control characters", "\u0000a\u0007b\u001b[31mc\u007fd\u009be", "ab[31mcde"],
    ["removes bidi overrides and isolates", "\u202eevil\u202c \u2066x\u2069\u202a\u202b\u202d\u2067\u2068", "evil x"],
    ["removes zero-width space, word joiner and BOM", "\ufeffa\u200bb\u2060c", "abc"],
    ["keeps the zero-width joiner of emoji sequences", "👨‍👩‍👧‍👦", "👨\u200d👩\u200d👧\u200d👦"],
    ["keeps the zero-width non-joiner", "می\u200cخواهم", "می\u200cخواهم"],
    ["removes unpaired surrogates, keeps pairs", "a\ud83db🚀\ude80", "ab🚀"],
    ["keeps markup as text", "<b>hi</b> & <script>", "<b>hi</b> & <script>"],
  ])("%s", (_label, raw, expected) => {
    expect(normalizeChatText(raw)).toBe(expected);
  });
});

describe("chatProblem / checkChatText", () => {
  const TOO_MANY = `message is longer than ${CHAT_MAX_GRAPHEMES} characters`;

  it.each([
    ["plain text", "gg wp"],
    ["CJK", "你好，世界！こんにちは"],
    ["Arabic", "مرحبا بالجميع"],
    ["emoji", "nice shot 🚀🔥"],
    [`${CHAT_MAX_GRAPHEMES} letters`, "a".repeat(CHAT_MAX_GRAPHEMES)],
    [`${CHAT_MAX_GRAPHEMES} CJK characters`, "字".repeat(CHAT_MAX_GRAPHEMES)],
    [`${CHAT_MAX_GRAPHEMES} emoji (240 code units)`, "🚀".repeat(CHAT_MAX_GRAPHEMES)],
    [`${CHAT_MAX_GRAPHEMES} flags (480 code units)`, "🇫🇷".repeat(CHAT_MAX_GRAPHEMES)],
    [`${CHAT_MAX_GRAPHEMES} letters with a combining accent`, "a\u0301\u0323".repeat(CHAT_MAX_GRAPHEMES)],
    ["markup", "<img src=x onerror=alert(1)>"],
  ])("accepts %s", (_label, text) => {
    expect(chatProblem(normalizeChatText(text))).toBeNull();
    expect(checkChatText(text)).toEqual({ ok: true, text: normalizeChatText(text) });
  });

  it.each([
    ["empty", "", "message is empty"],
    ["spaces", " \t\n\u3000 ", "message is empty"],
    ["only invisible characters", "\u200b\u202e\ufeff", "message is empty"],
    ["only joiners and marks", "\u200d\u0301", "message is empty"],
    [`${CHAT_MAX_GRAPHEMES + 1} letters`, "a".repeat(CHAT_MAX_GRAPHEMES + 1), TOO_MANY],
    [`${CHAT_MAX_GRAPHEMES + 1} CJK characters`, "字".repeat(CHAT_MAX_GRAPHEMES + 1), TOO_MANY],
    [`${CHAT_MAX_GRAPHEMES + 1} emoji`, "🚀".repeat(CHAT_MAX_GRAPHEMES + 1), TOO_MANY],
    ["60 family emoji (660 code units)", "👨‍👩‍👧‍👦".repeat(60), "message is too long"],
    ["a 10 KB string", "x".repeat(10_240), "message is too long"],
  ])("refuses %s", (_label, raw, reason) => {
    expect(checkChatText(raw)).toEqual({ ok: false, reason });
  });

  it("counts grapheme clusters: emoji sequences, flags, CJK and combining marks once each", () => {
    const cluster = ["👨‍👩‍👧‍👦", "🇫🇷", "👍🏽", "字", "e\u0301", "क्ष"];
    for (const c of cluster) {
      const text = c.repeat(CHAT_MAX_GRAPHEMES);
      if (text.length <= CHAT_MAX_CODE_UNITS && utf8Length(text) <= CHAT_MAX_BYTES)
        expect(chatProblem(text)).toBeNull();
      expect(chatProblem(c.repeat(CHAT_MAX_GRAPHEMES + 1))).not.toBeNull();
    }
  });

  it("checks the raw length before normalising", () => {
    // 600 spaces and one letter normalise to "a", but the raw text is over the cap.
    expect(checkChatText(`${" ".repeat(CHAT_MAX_CODE_UNITS)}a`)).toEqual({ ok: false, reason: "message is too long" });
    expect(checkChatText(`${" ".repeat(CHAT_MAX_CODE_UNITS - 1)}a`)).toEqual({ ok: true, text: "a" });
  });

  it("holds a line to 960 bytes of UTF-8, so every valid line fits the 1024-byte frame limit", () => {
    // "क्ष": one character, three code units, 9 bytes. 106 fit (954 bytes); 107 do not (963).
    expect(utf8Length("क्ष")).toBe(9);
    expect(checkChatText("क्ष".repeat(106))).toEqual({ ok: true, text: "क्ष".repeat(106) });
    expect(checkChatText("क्ष".repeat(107))).toEqual({ ok: false, reason: "message is too long" });
    expect(chatPayloadSchema.safeParse({ text: "क्ष".repeat(107) }).success).toBe(false);
    // The longest valid line of any script, framed as the SDK frames it, is under 1024 bytes.
    const framing = 1 + 5 + 1 + 5 + 3; // code, "chat", MessagePack map, "text" key, str16 header
    expect(CHAT_MAX_BYTES + framing).toBeLessThanOrEqual(1024);
  });

  it("counts UTF-8 bytes as TextEncoder does", () => {
    for (const text of ["", "abc", "é", "€", "李小龙", "🚀", "👨‍👩‍👧‍👦", "a\uD800b", "\uDC00", "क्ष 🇫🇷"]) {
      const decoded = JSON.parse(`"${text}"`) as string;
      expect(utf8Length(decoded), JSON.stringify(text)).toBe(new TextEncoder().encode(decoded).length);
    }
  });
});

describe("chatPayloadSchema", () => {
  it("accepts exactly { text: string } up to the code unit cap", () => {
    expect(chatPayloadSchema.safeParse({ text: "hi" }).success).toBe(true);
    expect(chatPayloadSchema.safeParse({ text: "x".repeat(CHAT_MAX_CODE_UNITS) }).success).toBe(true);
    expect(chatPayloadSchema.safeParse({ text: "x".repeat(CHAT_MAX_CODE_UNITS + 1) }).success).toBe(false);
  });

  it.each([
    ["null", null],
    ["a string", "hi"],
    ["a number", 42],
    ["an array", [{ text: "hi" }]],
    ["no text", {}],
    ["a numeric text", { text: 1 }],
    ["an extra key", { text: "hi", name: "admin" }],
  ])("refuses %s", (_label, payload) => {
    expect(chatPayloadSchema.safeParse(payload).success).toBe(false);
  });

  it("names the message 'chat' both ways", () => {
    expect(ChatMessageType.Chat).toBe("chat");
  });
});

/** A channel on a fake clock, recording what it broadcasts and sends to whom. */
function harness(options: Partial<ChatChannelOptions> = {}) {
  let t = 1_700_000_000_000;
  const broadcasts: ChatLine[] = [];
  const sent: { to: string; line: ChatLine }[] = [];
  const channel = new ChatChannel({
    broadcast: (line) => broadcasts.push(line),
    sendTo: (to, line) => sent.push({ to, line }),
    now: () => t,
    ...options,
  });
  return {
    channel,
    broadcasts,
    sent,
    noticesTo: (id: string) => sent.filter((s) => s.to === id).map((s) => s.line),
    advance: (ms: number) => {
      t += ms;
    },
    get now() {
      return t;
    },
  };
}

describe("ChatChannel", () => {
  it("broadcasts a valid message as a player line with the normalised text", () => {
    const h = harness();
    expect(h.channel.post("s1", "Ann", { text: "  gg\n wp \u202e" })).toBe("sent");
    expect(h.broadcasts).toEqual([{ id: 1, kind: "player", fromId: "s1", name: "Ann", text: "gg wp", at: h.now }]);
    expect(h.sent).toEqual([]);
  });

  it("passes markup through verbatim as text (the panel draws it as text)", () => {
    const h = harness();
    const html = '<img src=x onerror="alert(1)"><b>hi</b>';
    expect(h.channel.post("s1", "<i>Ann</i>", { text: html })).toBe("sent");
    expect(h.broadcasts[0]).toMatchObject({ name: "<i>Ann</i>", text: html });
  });

  it.each([
    ["a non-object", "hello"],
    ["null", null],
    ["undefined", undefined],
    ["missing text", {}],
    ["a number", { text: 42 }],
    ["an extra key", { text: "hi", kind: "system" }],
    ["a 10 KB string", { text: "x".repeat(10_240) }],
    ["an empty message", { text: "   " }],
    ["too many characters", { text: "a".repeat(CHAT_MAX_GRAPHEMES + 1) }],
  ])("refuses %s with a notice to the sender only", (_label, payload) => {
    const h = harness();
    expect(h.channel.post("s1", "Ann", payload)).toBe("invalid");
    expect(h.broadcasts).toEqual([]);
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]!.to).toBe("s1");
    expect(h.sent[0]!.line).toMatchObject({ kind: "notice", at: h.now });
    expect(h.sent[0]!.line.text).toMatch(/^Not sent: message /);
    expect(h.channel.history()).toEqual([]);
  });

  it("gives readable reasons", () => {
    const h = harness();
    h.channel.post("s1", "Ann", { text: "" });
    h.channel.post("s1", "Ann", { text: "a".repeat(CHAT_MAX_GRAPHEMES + 1) });
    h.channel.post("s1", "Ann", { text: "x".repeat(10_240) });
    expect(h.noticesTo("s1").map((l) => l.text)).toEqual([
      "Not sent: message is empty.",
      `Not sent: message is longer than ${CHAT_MAX_GRAPHEMES} characters.`,
      "Not sent: message is too long.",
    ]);
  });

  it("mutes a flooder after the burst with exactly one notice; other clients are unaffected", () => {
    const h = harness();
    const results: string[] = [];
    let otherSent = 0;
    for (let i = 0; i < 50; i++) {
      results.push(h.channel.post("flood", "Spam", { text: `spam ${i}` }));
      if (i % 10 === 0) {
        // Another client talks at a reasonable pace meanwhile.
        if (h.channel.post("calm", "Ann", { text: `hello ${i}` }) === "sent") otherSent++;
      }
      h.advance(50);
    }
    const fromFlooder = h.broadcasts.filter((l) => l.fromId === "flood");
    expect(fromFlooder).toHaveLength(4);
    expect(results.slice(0, 4)).toEqual(["sent", "sent", "sent", "sent"]);
    expect(results.slice(4).every((r) => r === "muted")).toBe(true);
    const notices = h.noticesTo("flood");
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ kind: "notice", text: "You are sending messages too fast: muted for 15 s." });
    expect(otherSent).toBe(5);
    expect(h.noticesTo("calm")).toEqual([]);
  });

  it("ends the mute after muteMs, with a full bucket again", () => {
    const h = harness({ muteMs: 10_000 });
    for (let i = 0; i < 5; i++) h.channel.post("s1", "Ann", { text: "x" });
    expect(h.channel.post("s1", "Ann", { text: "x" })).toBe("muted");
    h.advance(9_999);
    expect(h.channel.post("s1", "Ann", { text: "still muted" })).toBe("muted");
    h.advance(1);
    expect(h.channel.post("s1", "Ann", { text: "back" })).toBe("sent");
    expect(h.noticesTo("s1")).toHaveLength(1);
    // The next mute has its own notice.
    for (let i = 0; i < 10; i++) h.channel.post("s1", "Ann", { text: "x" });
    expect(h.noticesTo("s1")).toHaveLength(2);
  });

  it("lets a client at the refill rate talk forever", () => {
    const h = harness();
    for (let i = 0; i < 100; i++) {
      expect(h.channel.post("s1", "Ann", { text: `line ${i}` })).toBe("sent");
      h.advance(2_000);
    }
  });

  it("counts invalid messages against the bucket", () => {
    const h = harness();
    const results = Array.from({ length: 20 }, () => h.channel.post("s1", "Ann", { text: 42 }));
    expect(results.slice(0, 4)).toEqual(["invalid", "invalid", "invalid", "invalid"]);
    expect(results.slice(4).every((r) => r === "muted")).toBe(true);
    // Four "not sent" notices and one mute notice: the flood does not turn into a notice flood.
    expect(h.noticesTo("s1")).toHaveLength(5);
    expect(h.channel.post("s1", "Ann", { text: "now valid" })).toBe("muted");
  });

  it("honours a custom rate", () => {
    const h = harness({ rate: { perSecond: 1, burst: 1 } });
    expect(h.channel.post("s1", "Ann", { text: "a" })).toBe("sent");
    expect(h.channel.post("s1", "Ann", { text: "b" })).toBe("muted");
  });

  it("sends system lines to everyone and keeps them in the history", () => {
    const h = harness();
    h.channel.system("Ann joined");
    h.channel.post("s1", "Ann", { text: "hi" });
    h.channel.system("Ann destroyed Bob");
    expect(h.broadcasts.map((l) => [l.kind, l.text])).toEqual([
      ["system", "Ann joined"],
      ["player", "hi"],
      ["system", "Ann destroyed Bob"],
    ]);
    expect(h.broadcasts[0]).not.toHaveProperty("fromId");
    expect(h.channel.history()).toEqual(h.broadcasts);
  });

  it("keeps a bounded history of player and system lines, oldest first, without notices", () => {
    const h = harness({ historySize: 30 });
    for (let i = 0; i < 100; i++) {
      h.channel.system(`line ${i}`);
      h.channel.post(`s${i}`, "Ann", { text: "" });
    }
    const history = h.channel.history();
    expect(history).toHaveLength(30);
    expect(history[0]!.text).toBe("line 70");
    expect(history[29]!.text).toBe("line 99");
    expect(history.every((l) => l.kind === "system")).toBe(true);
  });

  it("defaults to 30 lines of history and hands out a copy", () => {
    const h = harness();
    for (let i = 0; i < 40; i++) h.channel.system(`line ${i}`);
    const history = h.channel.history();
    expect(history).toHaveLength(30);
    h.channel.system("later");
    expect(history).toHaveLength(30);
    expect(history[29]!.text).toBe("line 39");
  });

  it("numbers every line, notices included, in increasing order", () => {
    const h = harness();
    h.channel.system("a");
    h.channel.post("s1", "Ann", {});
    h.channel.post("s1", "Ann", { text: "b" });
    const ids = [h.broadcasts[0]!.id, h.sent[0]!.line.id, h.broadcasts[1]!.id];
    expect(ids).toEqual([1, 2, 3]);
  });

  it("forgets a client's bucket when it leaves", () => {
    const h = harness();
    for (let i = 0; i < 5; i++) h.channel.post("s1", "Ann", { text: "x" });
    expect(h.channel.post("s1", "Ann", { text: "x" })).toBe("muted");
    h.channel.forget("s1");
    expect(h.channel.post("s1", "Ann", { text: "fresh" })).toBe("sent");
  });
});
