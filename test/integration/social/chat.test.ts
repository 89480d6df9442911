/**
 * Room chat: `room.send("chat", { text })` reaches every client of the room as a player line;
 * joins and leaves are announced as system lines; a late joiner gets the recent history; a
 * flooder is muted (at most the burst gets through, one notice to them alone) while others chat
 * on undisturbed; markup arrives verbatim; any other message type closes only its sender (4002).
 */
import { describe, expect, it } from "vitest";
import type { ChatLine } from "../../../shared/chat.ts";
import { CloseCodes, RoomName } from "../../../shared/protocol.ts";
import { ArenaState } from "../../../shared/schema.ts";
import { sleep, waitFor } from "../harness.ts";
import { newGuest, watch, type Seat, useFileServer } from "./social-helpers.ts";

/** The chat bucket's burst (server/rooms/chat-channel.ts CHAT_DEFAULT_RATE). */
const CHAT_BURST = 4;

const served = useFileServer("tick-arena-chat-", { seed: 51 });

async function quickPlay(name: string): Promise<Seat> {
  const guest = await newGuest(served.server.url, name);
  const seat = watch(await guest.client.joinOrCreate(RoomName.Arena, {}, ArenaState));
  await waitFor(() => seat.self() !== undefined, 3000, `${name}'s ship`);
  return seat;
}

function said(seat: Seat, text: string): ChatLine[] {
  return seat.lines("player").filter((l) => l.text === text);
}

describe("chat", () => {
  it("broadcasts a player's line to everyone in the room", async () => {
    const [a, b, c] = [await quickPlay("Ann"), await quickPlay("Bob"), await quickPlay("Cat")];
    expect(new Set([a, b, c].map((s) => s.room.roomId)).size).toBe(1);
    const before = Date.now();
    a.room.send("chat", { text: "hello arena" });
    for (const s of [a, b, c]) await waitFor(() => said(s, "hello arena").length === 1, 3000, "the line everywhere");
    const line = said(b, "hello arena")[0]!;
    expect(line).toMatchObject({ kind: "player", fromId: a.sessionId, name: "Ann", text: "hello arena" });
    expect(typeof line.id).toBe("number");
    expect(line.at).toBeGreaterThanOrEqual(before - 1000);
    expect(line.at).toBeLessThanOrEqual(Date.now() + 1000);
    // One line, one id, the same for everyone.
    expect(said(a, "hello arena")[0]!.id).toBe(line.id);
    expect(said(c, "hello arena")[0]!.id).toBe(line.id);
  });

  it("announces joins and leaves as system lines", async () => {
    const a = await quickPlay("Host");
    const b = await quickPlay("Guest");
    await waitFor(() => a.lines("system").some((l) => l.text === "Guest joined"), 3000, '"Guest joined"');
    const c = await quickPlay("Passer");
    await waitFor(() => b.lines("system").some((l) => l.text === "Passer joined"), 3000, '"Passer joined"');
    await c.room.leave();
    for (const s of [a, b]) await waitFor(() => s.lines("system").some((l) => l.text === "Passer left"), 3000, "left");
    // System lines carry no speaker.
    const left = a.lines("system").find((l) => l.text === "Passer left")!;
    expect(left.fromId).toBeUndefined();
  });

  it("sends a late joiner the recent history, in order", async () => {
    const a = await quickPlay("Early");
    const b = await quickPlay("Earlier");
    a.room.send("chat", { text: "first words" });
    b.room.send("chat", { text: "second words" });
    await waitFor(() => said(a, "second words").length === 1, 3000, "the second line");
    const late = await quickPlay("Late");
    await waitFor(() => said(late, "second words").length === 1, 3000, "history to the late joiner");
    const texts = late.lines().map((l) => l.text);
    expect(texts).toContain("Early joined");
    expect(texts).toContain("first words");
    expect(texts.indexOf("first words")).toBeLessThan(texts.indexOf("second words"));
    // Shown as the client shows them (in arrival order, a repeated id dropped), the lines read
    // oldest first: the history, then the late joiner's own "joined" line.
    const arrival = late.chat.map((l) => `${l.id}:${l.text}`);
    const ids = late.lines().map((l) => l.id);
    expect(ids, `arrival order: ${JSON.stringify(arrival)}`).toEqual([...ids].sort((x, y) => x - y));
    expect(texts[texts.length - 1]).toBe("Late joined");
  });

  it("mutes a flooder (one notice, to them only) while another player chats on normally", async () => {
    const observer = await quickPlay("Observer");
    const flooder = await quickPlay("Flooder");
    const talker = await quickPlay("Talker");
    // Three lines now and one more later: within the chat's burst, as a person types.
    const talks = ["talk 1", "talk 2", "talk 3"];
    // The talker speaks at a normal pace while the flood happens.
    const talking = (async () => {
      for (const text of talks) {
        talker.room.send("chat", { text });
        await sleep(150);
      }
    })();
    for (let i = 0; i < 50; i++) flooder.room.send("chat", { text: `spam ${i}` });
    await talking;

    for (const s of [observer, flooder, talker]) {
      await waitFor(() => talks.every((t) => said(s, t).length === 1), 3000, "every talker line to everyone");
    }
    await waitFor(() => flooder.lines("notice").length > 0, 3000, "the mute notice");
    await sleep(500);
    const spamSeen = observer.lines("player").filter((l) => l.text.startsWith("spam "));
    expect(spamSeen.length).toBeGreaterThan(0);
    expect(spamSeen.length).toBeLessThanOrEqual(CHAT_BURST);
    expect(talker.lines("player").filter((l) => l.text.startsWith("spam ")).length).toBe(spamSeen.length);
    expect(flooder.lines("notice")).toHaveLength(1);
    expect(flooder.lines("notice")[0]!.text).toMatch(/muted/);
    expect(observer.lines("notice")).toHaveLength(0);
    expect(talker.lines("notice")).toHaveLength(0);

    // Still muted: nothing more gets through, and no second notice.
    flooder.room.send("chat", { text: "after the flood" });
    talker.room.send("chat", { text: "still here" });
    await waitFor(() => said(observer, "still here").length === 1, 3000, "the talker's next line");
    await sleep(300);
    expect(said(observer, "after the flood")).toHaveLength(0);
    expect(flooder.lines("notice")).toHaveLength(1);
    expect(flooder.room.connection.isOpen).toBe(true);
  });

  it("delivers markup verbatim (clients draw it as text)", async () => {
    const a = await quickPlay("Marker");
    const b = await quickPlay("Reader");
    const html = `<img src=x onerror="alert(1)"> <b>bold</b> & <script>alert('x')</script>`;
    a.room.send("chat", { text: html });
    await waitFor(() => said(b, html).length === 1, 3000, "the markup line");
  });

  it("answers an invalid line with a notice to its sender only", async () => {
    const a = await quickPlay("Blank");
    const b = await quickPlay("Bystander");
    a.room.send("chat", { text: "   " });
    a.room.send("chat", { text: "x".repeat(500) });
    await waitFor(() => a.lines("notice").length === 2, 3000, "two notices");
    expect(a.lines("notice").map((l) => l.text)).toEqual([
      expect.stringMatching(/^Not sent: message is empty/),
      expect.stringMatching(/^Not sent: message is too long/),
    ]);
    await sleep(200);
    expect(b.lines("notice")).toHaveLength(0);
    expect(b.lines("player")).toHaveLength(0);
  });

  it("delivers the longest valid line in a three-byte script, and answers one cluster more with a notice", async () => {
    // "क्ष" is one character of three code units and 9 bytes of UTF-8: 106 of them (954 bytes)
    // are the most the 960-byte cap allows, and fit the 1024-byte frame limit with their framing.
    const a = await quickPlay("Devan");
    const b = await quickPlay("Listener");
    const longest = "क्ष".repeat(106);
    a.room.send("chat", { text: longest });
    await waitFor(() => said(b, longest).length === 1, 3000, "the longest line");
    a.room.send("chat", { text: "क्ष".repeat(107) });
    await waitFor(() => a.lines("notice").length === 1, 3000, "a notice");
    expect(a.lines("notice")[0]!.text).toMatch(/^Not sent: message is too long/);
    // Still seated: the line was refused, not the client.
    a.room.send("chat", { text: "still here" });
    await waitFor(() => said(b, "still here").length === 1, 3000, "a line after the refused one");
  });

  it("closes a client that sends another message type (4002), and nobody else", async () => {
    const bad = await quickPlay("Rogue");
    const good = await quickPlay("Goodie");
    bad.room.send("shout", { text: "hi" });
    expect(await Promise.race([bad.closed, sleep(3000).then(() => -1)])).toBe(CloseCodes.ProtocolError);
    await waitFor(() => !good.room.state.players.has(bad.sessionId), 3000, "the rogue's ship to go");
    expect(good.room.connection.isOpen).toBe(true);
    good.room.send("chat", { text: "still chatting" });
    await waitFor(() => said(good, "still chatting").length === 1, 3000, "chat after the rogue left");
  });
});
