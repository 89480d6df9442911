/**
 * The live feed on one process (the default, no Redis): `GET /events` as Server-Sent Events,
 * `POST /admin/announce` behind the operator token, and the arenas' own events (match start and
 * end) reaching players as the `live` message and pages as SSE. Private arenas never publish
 * their code. The stream's wire format (docs/PROTOCOL.md, `GET /events`): any origin,
 * `retry: 3000` first, then up to 20 recent events oldest first, then each new one, each as
 * `id: <id>` / `event: live` / `data: <JSON>` with the id `<processId>-<n>`. (Across processes:
 * test/scale/cluster.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../server/app.ts";
import { LiveKind, liveEventSchema, type LiveEvent } from "../../shared/live.ts";
import { RoomName } from "../../shared/protocol.ts";
import { ArenaState } from "../../shared/schema.ts";
import { readSse, readSseFrames } from "../scale/helpers.ts";
import { arenaMessages, guestClient, joinPlayer, sleep, startTestServer, waitFor, type TestPlayer } from "./harness.ts";

const ADMIN = "integration-admin-token-42";

/**
 * An event frame as the protocol has it: exactly `id: <id>`, `event: live`, `data: <JSON
 * LiveEvent>`, the id line naming the data's own id. Returns the event.
 */
function liveFrame(frame: string): LiveEvent {
  const lines = frame.split("\n");
  expect(lines, `frame ${JSON.stringify(frame)}`).toHaveLength(3);
  const [idLine = "", eventLine, dataLine = ""] = lines;
  expect(idLine).toMatch(/^id: \S+$/);
  expect(eventLine).toBe("event: live");
  expect(dataLine.startsWith("data: ")).toBe(true);
  const parsed = liveEventSchema.safeParse(JSON.parse(dataLine.slice("data: ".length)));
  expect(parsed.success, `data of ${JSON.stringify(frame)}`).toBe(true);
  const event = parsed.data as LiveEvent;
  expect(idLine.slice("id: ".length)).toBe(event.id);
  return event;
}

describe("the live feed on one process", () => {
  let server: RunningServer;
  const players: TestPlayer[] = [];

  beforeAll(async () => {
    server = await startTestServer({ adminToken: ADMIN, minPlayers: 2, matchSeconds: 3, resultsSeconds: 1 });
  });

  afterAll(async () => {
    await Promise.all(players.map((p) => p.room.leave().catch(() => undefined)));
    await server?.stop();
  });

  const announce = (body: unknown, token?: string) =>
    fetch(`${server.url}/admin/announce`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });

  it("refuses announcements without the operator token or with bad text", async () => {
    expect((await announce({ text: "hi" })).status).toBe(401);
    expect((await announce({ text: "hi" }, `${ADMIN}x`)).status).toBe(401);
    expect((await announce({ text: "" }, ADMIN)).status).toBe(400);
    expect((await announce({ text: "x".repeat(201) }, ADMIN)).status).toBe(400);
    expect((await announce({}, ADMIN)).status).toBe(400);
  });

  it("streams an announcement to pages and players, and replays it to a page that comes later", async () => {
    const sse = readSse(`${server.url}/events`);
    await sse.opened;
    const a = await joinPlayer(server.url, "Ann");
    players.push(a);
    const res = await announce({ text: "Server\nmaintenance at 20:00" }, ADMIN);
    expect(res.status).toBe(202);
    const ours = (e: LiveEvent) => e.kind === LiveKind.Announcement && e.text === "Server maintenance at 20:00";
    await waitFor(() => sse.events.some(ours) && a.live.some(ours), 3000, "the announcement");
    sse.close();

    const later = readSse(`${server.url}/events`);
    await later.opened;
    await waitFor(() => later.events.some(ours), 3000, "the replayed announcement");
    later.close();
  });

  it("publishes the start and the end of a match in a public arena, with its room id", async () => {
    const sse = readSse(`${server.url}/events`);
    await sse.opened;
    const b = await joinPlayer(server.url, "Bob");
    players.push(b);
    const roomId = b.room.roomId;
    await waitFor(
      () => sse.events.some((e) => e.kind === LiveKind.MatchStart && e.roomId === roomId),
      5000,
      "match-start",
    );
    // The match lasts 3 s.
    await waitFor(() => sse.events.some((e) => e.kind === LiveKind.MatchEnd && e.roomId === roomId), 8000, "match-end");
    const end = sse.events.find((e) => e.kind === LiveKind.MatchEnd && e.roomId === roomId)!;
    expect(end.text).toMatch(/won a match in arena/);
    expect(typeof end.kills).toBe("number");
    expect(players.every((p) => p.live.some((e) => e.kind === LiveKind.MatchStart && e.roomId === roomId))).toBe(true);
    sse.close();
  });

  it("never publishes a private arena's code", async () => {
    const sse = readSse(`${server.url}/events`);
    await sse.opened;
    const host = await (await guestClient(server.url, "Host")).create(RoomName.Arena, { private: true }, ArenaState);
    arenaMessages(host);
    const guest = await (await guestClient(server.url, "Guest")).joinById(host.roomId, {}, ArenaState);
    arenaMessages(guest);
    try {
      await waitFor(
        () => sse.events.some((e) => e.kind === LiveKind.MatchStart && e.text.includes("a private arena")),
        5000,
        "the private match-start",
      );
      for (const e of sse.events) {
        expect(e.roomId).not.toBe(host.roomId);
        expect(e.text).not.toContain(host.roomId);
      }
    } finally {
      sse.close();
      await guest.leave();
      await host.leave();
    }
  });
});

describe("the players' share of the live feed", () => {
  // Its own server (no match would start: one pilot per arena), so its only events are these.
  let server: RunningServer;

  beforeAll(async () => {
    server = await startTestServer({ adminToken: ADMIN });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("gives players every announcement and every event of their own arena, but only a share of the rest; pages get all", async () => {
    const sse = readSse(`${server.url}/events`);
    await sse.opened;
    const ann = await joinPlayer(server.url, "Ann");
    const host = await (await guestClient(server.url, "Hal")).create(RoomName.Arena, { private: true }, ArenaState);
    const hal = arenaMessages(host);
    try {
      const annRoom = ann.room.roomId;
      expect(host.roomId).not.toBe(annRoom);
      // Ten streaks elsewhere (another process's arena, as Redis would bring them).
      for (let n = 1; n <= 10; n++) {
        server.live.publish({
          kind: LiveKind.KillStreak,
          text: `Zed is on a streak ${n}`,
          roomId: "Elsewhere",
          kills: 5 * n,
        });
      }
      // Five results of Ann's own arena.
      for (let n = 1; n <= 5; n++) {
        server.live.publish({
          kind: LiveKind.MatchEnd,
          text: `Ann won match ${n}`,
          roomId: annRoom,
          pilot: "Ann",
          kills: n,
        });
      }
      const notice = await fetch(`${server.url}/admin/announce`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${ADMIN}` },
        body: JSON.stringify({ text: "Share test notice" }),
      });
      expect(notice.status).toBe(202);
      const isNotice = (e: LiveEvent) => e.kind === LiveKind.Announcement && e.text === "Share test notice";
      await waitFor(
        () => sse.events.some(isNotice) && ann.live.some(isNotice) && hal.live.some(isNotice),
        5000,
        "the notice",
      );
      await sleep(300);

      const streaksOf = (list: LiveEvent[]) => list.filter((e) => e.roomId === "Elsewhere").map((e) => e.text);
      const resultsOf = (list: LiveEvent[]) => list.filter((e) => e.roomId === annRoom).map((e) => e.text);
      // The page: everything, in order.
      expect(streaksOf(sse.events)).toHaveLength(10);
      expect(resultsOf(sse.events)).toHaveLength(5);
      // Players: the first three of the streaks (the burst), in order.
      const firstThree = ["Zed is on a streak 1", "Zed is on a streak 2", "Zed is on a streak 3"];
      expect(streaksOf(ann.live)).toEqual(firstThree);
      expect(streaksOf(hal.live)).toEqual(firstThree);
      // Ann: all five of her own arena's results; Hal, in another arena: none (the share is spent).
      expect(resultsOf(ann.live)).toEqual([1, 2, 3, 4, 5].map((n) => `Ann won match ${n}`));
      expect(resultsOf(hal.live)).toEqual([]);
    } finally {
      sse.close();
      await host.leave();
      await ann.room.leave();
    }
  });
});

describe("the GET /events stream", () => {
  // A server of its own with no arena: the announcements below are its only events.
  let server: RunningServer;
  let processId: string;

  beforeAll(async () => {
    server = await startTestServer({ adminToken: ADMIN });
    processId = ((await (await fetch(`${server.url}/healthz`)).json()) as { processId: string }).processId;
  });

  afterAll(async () => {
    await server?.stop();
  });

  const announce = async (text: string): Promise<void> => {
    const res = await fetch(`${server.url}/admin/announce`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ text }),
    });
    expect(res.status).toBe(202);
  };

  it("serves any origin, sends retry: 3000 first, then each event as id / event: live / data", async () => {
    const sse = readSseFrames(`${server.url}/events`, { Origin: "https://some-other-site.example" });
    const res = await sse.opened;
    try {
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      await waitFor(() => sse.frames.length >= 1, 3000, "the first frame");
      expect(sse.frames[0]).toBe("retry: 3000");

      const texts = ["first news", "second news", "third news"];
      for (const text of texts) await announce(text);
      await waitFor(() => sse.frames.length >= 1 + texts.length, 3000, "three announcements");
      const events = sse.frames.slice(1).map(liveFrame);
      expect(events.map((e) => [e.kind, e.text])).toEqual(texts.map((t) => [LiveKind.Announcement, t]));
      const ids = events.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) {
        expect(id.startsWith(`${processId}-`), `${id} names process ${processId}`).toBe(true);
        expect(id.slice(processId.length + 1)).toMatch(/^\d+$/);
      }
    } finally {
      sse.close();
    }
  });

  it("replays exactly the 20 most recent events, oldest first, to a new stream", async () => {
    const watcher = readSseFrames(`${server.url}/events`);
    await watcher.opened;
    const published = Array.from({ length: 25 }, (_, i) => `replay ${i + 1}`);
    try {
      for (const text of published) await announce(text);
      await waitFor(
        () => watcher.frames.some((f) => f.includes(`"text":"replay 25"`)),
        3000,
        "the 25 announcements on the first stream",
      );
      // Every event of the server so far, in the order it happened (the watcher's replay, then live).
      const all = watcher.frames.slice(1).map(liveFrame);
      expect(all.slice(-25).map((e) => e.text)).toEqual(published);

      const later = readSseFrames(`${server.url}/events`);
      await later.opened;
      try {
        await waitFor(() => later.frames.length >= 1 + 20, 3000, "the replay");
        // Anything past the 20 would have been written with them.
        await sleep(300);
        expect(later.frames[0]).toBe("retry: 3000");
        const replayed = later.frames.slice(1).map(liveFrame);
        expect(replayed).toHaveLength(20);
        expect(replayed).toEqual(all.slice(-20));
        expect(replayed.map((e) => e.text)).toEqual(published.slice(-20));
      } finally {
        later.close();
      }
    } finally {
      watcher.close();
    }
  });
});

describe("without ADMIN_TOKEN", () => {
  it("has no announce route", async () => {
    const server = await startTestServer();
    try {
      const res = await fetch(`${server.url}/admin/announce`, { method: "POST", body: "{}" });
      expect(res.status).toBe(404);
      const health = (await (await fetch(`${server.url}/healthz`)).json()) as {
        processes: { processId: string }[];
        clustered: boolean;
      };
      expect(health.clustered).toBe(false);
      expect(health.processes).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });
});
