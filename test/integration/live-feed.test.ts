/**
 * The live feed on one process (the default, no Redis): `GET /events` as Server-Sent Events,
 * `POST /admin/announce` behind the operator token, and the arenas' own events (match start and
 * end) reaching players as the `live` message and pages as SSE. Private arenas never publish
 * their code. (Across processes: test/scale/cluster.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../server/app.ts";
import { LiveKind, type LiveEvent } from "../../shared/live.ts";
import { RoomName } from "../../shared/protocol.ts";
import { ArenaState } from "../../shared/schema.ts";
import { readSse } from "../scale/helpers.ts";
import { arenaMessages, guestClient, joinPlayer, startTestServer, waitFor, type TestPlayer } from "./harness.ts";

const ADMIN = "integration-admin-token-42";

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
