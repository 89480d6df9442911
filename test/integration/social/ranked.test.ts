/**
 * The ranked queue and ratings end to end: `joinOrCreate("ranked")` with a token queues a
 * player; the queue groups players of similar rating (read from the store, never from the
 * client) into matches of RANKED_MATCH_PLAYERS and sends each a "seat"; the client takes it and
 * confirms. The match is short here (3 s + 1 s of results): at its end the ratings are recorded,
 * announced in the chat, and the room closes everyone with 4100. Ratings survive a restart
 * (embedded SQLite in the data directory, and PostgreSQL), and `GET /leaderboard` lists them.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { SeatReservation } from "@colyseus/sdk";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../../server/app.ts";
import type { ServerConfig } from "../../../server/config.ts";
import {
  openPlayerStore,
  SQLITE_FILE,
  type PlayerRecord,
  type PlayerStore,
  type RankedResult,
} from "../../../server/store/player-store.ts";
import { RANKED_MATCH_PLAYERS } from "../../../shared/constants.ts";
import { CloseCodes, RoomName } from "../../../shared/protocol.ts";
import { ArenaState } from "../../../shared/schema.ts";
import { sleep, startTestServer, waitFor } from "../harness.ts";
import {
  clientWithToken,
  joinLobby,
  leaveAllRooms,
  newGuest,
  postGuest,
  refusal,
  summary,
  tempDir,
  track,
  watch,
  type Guest,
  type LobbyView,
  type Seat,
} from "./social-helpers.ts";

const DATABASE_URL = process.env["TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
/** Short matches: a ranked match ends (and is scored) 3 s after its room opens. */
const SHORT_MATCH: Partial<ServerConfig> = { seed: 61, matchSeconds: 3, resultsSeconds: 1 };
/** Longest wait for a ranked room to score its match and close: 3 s + 1 s, with slack. */
const MATCH_OVER_MS = 12_000;

let server: RunningServer | undefined;
let data: ReturnType<typeof tempDir>;
/** Time from the queue join to a seat in the ranked arena, ms. */
const seatTimes: number[] = [];

beforeAll(async () => {
  data = tempDir("tick-arena-ranked-");
  server = await startTestServer({ ...SHORT_MATCH, dataDir: data.dir });
});

afterAll(async () => {
  await leaveAllRooms();
  await server?.stop();
  data?.remove();
  if (seatTimes.length > 0) console.log(JSON.stringify({ metric: "ranked-time-to-seat-ms", ...summary(seatTimes) }));
});

function running(): RunningServer {
  if (server === undefined) throw new Error("no server running");
  return server;
}

/** A player in the ranked queue, and the seat it is sent to. */
interface Queued {
  readonly guest: Guest;
  /** Resolves once the seat was taken (and the queue told with "confirm"). */
  readonly seat: Promise<Seat>;
  /** The queue room's close code. */
  readonly queueClosed: Promise<number>;
}

/** Joins the ranked queue the way the browser client does; takes the seat when it comes. */
async function enqueue(guest: Guest, options: Record<string, unknown> = {}): Promise<Queued> {
  const started = performance.now();
  const queue = track(await guest.client.joinOrCreate(RoomName.Ranked, options));
  const queueClosed = new Promise<number>((resolve) => queue.onLeave((code) => resolve(code)));
  const seat = new Promise<Seat>((resolve, reject) => {
    queue.onMessage("clients", () => undefined);
    queue.onMessage("seat", (reservation: SeatReservation) => {
      guest.client.consumeSeatReservation(reservation, ArenaState).then((room) => {
        const s = watch(room);
        seatTimes.push(performance.now() - started);
        queue.send("confirm");
        resolve(s);
      }, reject);
    });
  });
  return { guest, seat, queueClosed };
}

/** Awaits `promise` at most `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Queues `guests` in this order, and returns their seats once all are seated. */
async function queueAndSeat(
  guests: readonly Guest[],
  optionsOf: (g: Guest) => Record<string, unknown> = () => ({}),
): Promise<Seat[]> {
  const queued: Queued[] = [];
  for (const g of guests) queued.push(await enqueue(g, optionsOf(g)));
  const seats = await within(Promise.all(queued.map((q) => q.seat)), 10_000, "every queued player's seat");
  // Having confirmed, each leaves the queue (a normal closure).
  const codes = await within(Promise.all(queued.map((q) => q.queueClosed)), 3000, "the queue to let go");
  expect(codes.every((c) => c === 1000)).toBe(true);
  return seats;
}

/** The ratings the store holds for these guests. */
async function ratingsOf(store: PlayerStore, guests: readonly Guest[]): Promise<Map<string, PlayerRecord>> {
  return store.ratings(guests.map((g) => g.playerId));
}

interface LeaderboardEntry {
  rank: number;
  playerId: string;
  name: string;
  rating: number;
  games: number;
  wins: number;
}

async function leaderboard(url: string, query = ""): Promise<LeaderboardEntry[]> {
  const res = await fetch(`${url}/leaderboard${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { players: LeaderboardEntry[] }).players;
}

function result(g: Guest, score: number): RankedResult {
  return { playerId: g.playerId, name: g.name, score, kills: Math.max(score, 0), deaths: 0 };
}

/** Waits for every seat to be closed by the end of the ranked match (4100). */
async function expectMatchOver(seats: readonly Seat[]): Promise<void> {
  const codes = await within(Promise.all(seats.map((s) => s.closed)), MATCH_OVER_MS, "the match-over close");
  expect(
    codes.every((c) => c === CloseCodes.MatchOver),
    JSON.stringify(codes),
  ).toBe(true);
}

const highs: Guest[] = [];
const lows: Guest[] = [];

describe("ranked queue", () => {
  it("refuses a queue join without a valid token (401)", async () => {
    const url = running().url;
    const missing = await refusal(clientWithToken(url).joinOrCreate(RoomName.Ranked));
    expect(missing.code).toBe(401);
    expect(missing.message).toMatch(/^missing token: /);
    const forged = await refusal(clientWithToken(url, "a.b.c").joinOrCreate(RoomName.Ranked));
    expect(forged.code).toBe(401);
    expect(forged.message).toMatch(/^invalid token: /);
  });

  it("groups 8 players into a high-rated and a low-rated match, plays it and records the ratings", async () => {
    const srv = running();
    const store = srv.store;
    for (let i = 1; i <= 4; i++) highs.push(await newGuest(srv.url, `High ${i}`));
    for (let i = 1; i <= 4; i++) lows.push(await newGuest(srv.url, `Low ${i}`));
    const everyone = [...highs, ...lows];

    // Seed ratings: the highs beat the lows until the gap is far beyond any rating band.
    let gap = 0;
    for (let i = 0; i < 300 && gap < 450; i++) {
      await store.recordRankedMatch(`seed-${i}`, [...highs.map((g) => result(g, 1)), ...lows.map((g) => result(g, 0))]);
      const r = await ratingsOf(store, everyone);
      gap =
        Math.min(...highs.map((g) => r.get(g.playerId)!.rating)) -
        Math.max(...lows.map((g) => r.get(g.playerId)!.rating));
    }
    expect(gap).toBeGreaterThanOrEqual(450);
    // A little spread inside each group, so a drawn match moves ratings.
    await store.recordRankedMatch("spread-high", [result(highs[0]!, 1), result(highs[1]!, 0)]);
    await store.recordRankedMatch("spread-low", [result(lows[0]!, 1), result(lows[1]!, 0)]);
    const before = await ratingsOf(store, everyone);

    const lobby: LobbyView = await joinLobby(srv.url);
    // Interleaved: high, low, high, low… The lows claim a high rank in their options (the
    // stock QueueRoom reads `rank` from them): the server must go by the stored rating.
    const order = highs.flatMap((h, i) => [h, lows[i]!]);
    const seats = await queueAndSeat(order, (g) => (lows.includes(g) ? { rank: 5000 } : {}));
    const seatOf = new Map(order.map((g, i) => [g.playerId, seats[i]!]));

    const highRoom = seatOf.get(highs[0]!.playerId)!.room.roomId;
    const lowRoom = seatOf.get(lows[0]!.playerId)!.room.roomId;
    expect(highRoom).not.toBe(lowRoom);
    expect(highs.map((g) => seatOf.get(g.playerId)!.room.roomId)).toEqual(Array(4).fill(highRoom));
    expect(lows.map((g) => seatOf.get(g.playerId)!.room.roomId)).toEqual(Array(4).fill(lowRoom));
    for (const g of everyone) {
      const s = seatOf.get(g.playerId)!;
      await waitFor(() => s.welcomes.length > 0, 3000, "welcome");
      expect(s.welcomes[0]).toMatchObject({ playerId: g.playerId, role: "player", mode: "ranked", code: null });
      await waitFor(() => s.room.state.players.size === RANKED_MATCH_PLAYERS, 3000, "four ships in the match");
    }

    // A ranked arena is not public: not watchable, never listed.
    const watcher = await newGuest(srv.url, "Ranked Fan");
    const spectate = await fetch(`${srv.url}/spectate/${highRoom}`, {
      method: "POST",
      headers: { authorization: `Bearer ${watcher.token}` },
    });
    expect(spectate.status).toBe(404);

    await expectMatchOver(seats);
    expect(lobby.adds.some(([id]) => id === highRoom || id === lowRoom)).toBe(false);
    expect(lobby.lists.flat().some((l) => l.roomId === highRoom || l.roomId === lowRoom)).toBe(false);

    // Recorded: one more game for everyone; a draw (nobody fought) is nobody's win, and moves
    // each group toward its mean.
    const after = await ratingsOf(store, everyone);
    for (const g of everyone) {
      expect(after.get(g.playerId)!.games).toBe(before.get(g.playerId)!.games + 1);
      expect(after.get(g.playerId)!.wins).toBe(before.get(g.playerId)!.wins);
    }
    for (const group of [highs, lows]) {
      const delta = group.map((g) => after.get(g.playerId)!.rating - before.get(g.playerId)!.rating);
      // The group's top-rated drew with lower-rated players: it loses; the bottom-rated gains.
      expect(delta[0]).toBeLessThan(0);
      expect(delta[1]).toBeGreaterThan(0);
      expect(Math.abs(delta.reduce((a, b) => a + b, 0))).toBeLessThanOrEqual(2);
    }
    expect(Math.min(...highs.map((g) => after.get(g.playerId)!.rating))).toBeGreaterThan(
      Math.max(...lows.map((g) => after.get(g.playerId)!.rating)),
    );

    // Each player was told its new rating in the chat before the room closed.
    for (const g of everyone) {
      const s = seatOf.get(g.playerId)!;
      const line = s.lines("system").find((l) => l.text.startsWith(`${g.name}: rating `));
      expect(line, `${g.name}'s rating line`).toBeDefined();
      expect(line!.text).toContain(`rating ${after.get(g.playerId)!.rating} (`);
    }
  }, 45_000);

  it("seats only the queue's group in a ranked arena: an outsider's joinById is refused", async () => {
    const srv = running();
    const four: Guest[] = [];
    for (let i = 1; i <= RANKED_MATCH_PLAYERS; i++) four.push(await newGuest(srv.url, `Mid ${i}`));
    const seats = await queueAndSeat(four);
    const roomId = seats[0]!.room.roomId;
    expect(seats.every((s) => s.room.roomId === roomId)).toBe(true);

    const outsider = await newGuest(srv.url, "Gatecrasher");
    const joined = await outsider.client.joinById(roomId, {}, ArenaState).then(
      (room) => watch(room),
      () => undefined,
    );
    await expectMatchOver(seats);
    const outsiderRecord = (await srv.store.ratings([outsider.playerId])).get(outsider.playerId)!;
    expect.soft(joined === undefined ? "refused" : `seated in ranked room ${joined.room.roomId}`).toBe("refused");
    expect.soft(outsiderRecord.games, "ranked games recorded for the outsider").toBe(0);
  }, 30_000);

  it("calls a ranked match off (4101) when one of its group never takes the seat, 12 s after the room opened", async () => {
    const srv = running();
    const three: Guest[] = [];
    for (let i = 1; i < RANKED_MATCH_PLAYERS; i++) three.push(await newGuest(srv.url, `Punctual ${i}`));
    const queued: Queued[] = [];
    for (const g of three) queued.push(await enqueue(g));
    // The last of the group is sent its seat like the others, and never takes it.
    const absent = await newGuest(srv.url, "Absent");
    const absentQueue = track(await absent.client.joinOrCreate(RoomName.Ranked, {}));
    const seatSent = new Promise<number>((resolve) => {
      absentQueue.onMessage("clients", () => undefined);
      absentQueue.onMessage("seat", () => resolve(performance.now()));
    });
    const seats = await within(Promise.all(queued.map((q) => q.seat)), 10_000, "the three seats");
    const sentAt = await within(seatSent, 1000, "the absent player's seat");
    const codes = await within(Promise.all(seats.map((seat) => seat.closed)), 20_000, "the call-off");
    const elapsed = performance.now() - sentAt;
    expect(codes, JSON.stringify(codes)).toEqual(seats.map(() => CloseCodes.MatchCancelled));
    // The seat reservation (10 s) and 2 s of grace, from the room's creation just before the seats went out.
    expect(elapsed).toBeGreaterThan(10_500);
    expect(elapsed).toBeLessThan(15_000);
    // A match that never started is not scored.
    const records = await srv.store.ratings([...three, absent].map((g) => g.playerId));
    expect([...records.values()].map((r) => r.games)).toEqual([0, 0, 0, 0]);
  }, 40_000);

  it("never puts one player in a ranked match twice, and the others' match is still recorded", async () => {
    const srv = running();
    const [twice, ...others] = [
      await newGuest(srv.url, "Twice"),
      await newGuest(srv.url, "Other 1"),
      await newGuest(srv.url, "Other 2"),
      await newGuest(srv.url, "Other 3"),
    ] as [Guest, ...Guest[]];
    // The same token in a second tab: either refused, or kept apart from the first.
    const secondTab: Guest = { ...twice, client: clientWithToken(srv.url, twice.token) };
    const queued: Queued[] = [await enqueue(twice)];
    const duplicate = await enqueue(secondTab).catch(() => undefined);
    if (duplicate !== undefined) queued.push(duplicate);
    for (const g of others) queued.push(await enqueue(g));

    // Every seat sent within a few queue cycles; a player left waiting gets none.
    const seats: Seat[] = [];
    const deadline = Date.now() + 6000;
    for (const q of queued) {
      const s = await Promise.race([q.seat, sleep(Math.max(0, deadline - Date.now())).then(() => undefined)]);
      if (s !== undefined) seats.push(s);
    }
    expect(seats.length).toBeGreaterThanOrEqual(RANKED_MATCH_PLAYERS);
    const byRoom = new Map<string, string[]>();
    for (const s of seats) {
      await waitFor(() => s.welcomes.length > 0, 3000, "welcome");
      byRoom.set(s.room.roomId, [...(byRoom.get(s.room.roomId) ?? []), s.welcomes[0]!.playerId]);
    }
    await expectMatchOver(seats);
    const recorded = await srv.store.ratings([twice, ...others].map((g) => g.playerId));
    for (const [roomId, ids] of byRoom) {
      expect.soft(new Set(ids).size, `distinct players in ranked room ${roomId}: ${ids.join(", ")}`).toBe(ids.length);
      for (const id of new Set(ids)) {
        expect.soft(recorded.get(id)?.games, `ranked games recorded for ${id} (room ${roomId})`).toBe(1);
      }
    }
  }, 30_000);
});

describe("ranked rules", () => {
  it("scores a player who leaves during the match as losing to everyone who stayed", async () => {
    const srv = running();
    const four: Guest[] = [];
    for (let i = 1; i <= RANKED_MATCH_PLAYERS; i++) four.push(await newGuest(srv.url, `Quitter test ${i}`));
    const seats = await queueAndSeat(four);
    const quitter = four[0]!;
    const quitterSeat = seats.find((seat) => seat.welcomes[0]?.playerId === quitter.playerId) ?? seats[0]!;
    await waitFor(() => quitterSeat.room.state.phase === 0, 5000, "the ranked match to start");
    const quitterId = quitterSeat.welcomes[0]?.playerId ?? quitter.playerId;
    await quitterSeat.room.leave(true);
    await expectMatchOver(seats.filter((seat) => seat !== quitterSeat));
    const after = await srv.store.ratings(four.map((g) => g.playerId));
    // Recorded for all four; the quitter lost to each of the three who stayed.
    for (const g of four) expect(after.get(g.playerId)?.games).toBe(1);
    expect(after.get(quitterId)!.rating).toBeLessThan(1200);
    for (const g of four)
      if (g.playerId !== quitterId) expect(after.get(g.playerId)!.rating).toBeGreaterThanOrEqual(1200);
  }, 30_000);

  it('keeps one ranked queue: create("ranked") beside it is refused (409)', async () => {
    const srv = running();
    const first = await newGuest(srv.url, "Queue Keeper");
    const queue = track(await first.client.joinOrCreate(RoomName.Ranked));
    queue.onMessage("clients", () => undefined);
    const second = await newGuest(srv.url, "Own Queue");
    const refused = await refusal(second.client.create(RoomName.Ranked));
    expect(refused?.code).toBe(409);
    expect(refused?.message).toMatch(/joinOrCreate/);
  });
});

describe("leaderboard", () => {
  it("lists the top ratings in order, with rank, games and wins", async () => {
    const srv = running();
    const r = await ratingsOf(srv.store, [...highs, ...lows]);
    const top3 = await leaderboard(srv.url, "?limit=3");
    expect(top3).toHaveLength(3);
    expect(top3.map((p) => p.rank)).toEqual([1, 2, 3]);
    for (const p of top3) {
      expect(highs.map((g) => g.playerId)).toContain(p.playerId);
      const stored = r.get(p.playerId)!;
      expect(p).toEqual({
        rank: p.rank,
        playerId: stored.playerId,
        name: stored.name,
        rating: stored.rating,
        games: stored.games,
        wins: stored.wins,
      });
    }
    const all = await leaderboard(srv.url);
    expect(all.length).toBeGreaterThanOrEqual(8);
    expect(all.length).toBeLessThanOrEqual(20);
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.rating).toBeGreaterThanOrEqual(all[i]!.rating);
    expect(all.slice(0, 3)).toEqual(top3);
    // Out-of-range or malformed limits are clamped or defaulted, never an error.
    expect(await leaderboard(srv.url, "?limit=0")).toHaveLength(1);
    expect((await leaderboard(srv.url, "?limit=1000")).length).toBe(all.length);
    expect((await leaderboard(srv.url, "?limit=abc")).length).toBe(all.length);
  });
});

describe("persistence", () => {
  it("keeps ratings, the leaderboard and identities across a restart (embedded SQLite)", async () => {
    const everyone = [...highs, ...lows];
    const before = await ratingsOf(running().store, everyone);
    const board = await leaderboard(running().url, "?limit=100");
    expect(running().store.kind).toBe("sqlite");
    await running().stop();
    server = undefined;
    server = await startTestServer({ ...SHORT_MATCH, dataDir: data.dir });
    expect(existsSync(path.join(data.dir, SQLITE_FILE))).toBe(true);

    expect(await ratingsOf(running().store, everyone)).toEqual(before);
    expect(await leaderboard(running().url, "?limit=100")).toEqual(board);
    // The token secret survived too: an old token renews to the same player and rating.
    const h = highs[0]!;
    const renewed = await postGuest(running().url, {}, h.token);
    expect(renewed.status).toBe(200);
    expect(renewed.body).toMatchObject({
      playerId: h.playerId,
      rating: before.get(h.playerId)!.rating,
      games: before.get(h.playerId)!.games,
    });
  });
});

describe("PostgreSQL", () => {
  const admin = (): pg.Client => new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 10_000 });

  it("keeps ratings across a reopen of the store (a private schema)", async () => {
    const pgSchema = `tick_arena_social_${randomBytes(6).toString("hex")}`;
    const open = (): Promise<PlayerStore> =>
      openPlayerStore({ databaseUrl: DATABASE_URL, dataDir: tmpdir(), pgSchema });
    try {
      let store = await open();
      expect(store.kind).toBe("postgres");
      const ids = ["pg-a", "pg-b", "pg-c", "pg-d"];
      for (let i = 0; i < 5; i++) {
        await store.recordRankedMatch(
          `pg-m${i}`,
          ids.map((id, k) => ({ playerId: id, name: id.toUpperCase(), score: 3 - k, kills: 3 - k, deaths: 0 })),
        );
      }
      const before = await store.ratings(ids);
      const board = await store.leaderboard(10);
      expect(board.map((p) => p.playerId)).toEqual(ids);
      await store.close();
      store = await open();
      try {
        expect(await store.ratings(ids)).toEqual(before);
        expect(await store.leaderboard(10)).toEqual(board);
        expect(before.get("pg-a")!.games).toBe(5);
      } finally {
        await store.close();
      }
    } finally {
      const c = admin();
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS "${pgSchema}" CASCADE`);
      } finally {
        await c.end();
      }
    }
  });

  it("records a ranked match played on a server backed by PostgreSQL, and keeps it across a restart", async () => {
    // The server always uses the "public" schema (startTestServer passes only a database URL),
    // so it gets a throw-away database of its own, dropped afterwards.
    const dbName = `tick_arena_social_${randomBytes(6).toString("hex")}`;
    const url = new URL(DATABASE_URL);
    url.pathname = `/${dbName}`;
    const databaseUrl = url.toString();
    const pgData = tempDir("tick-arena-ranked-pg-");
    const c = admin();
    await c.connect();
    try {
      await c.query(`CREATE DATABASE "${dbName}"`);
      await running().stop();
      server = undefined;
      server = await startTestServer({ ...SHORT_MATCH, dataDir: pgData.dir, databaseUrl });
      expect(running().store.kind).toBe("postgres");

      const four: Guest[] = [];
      for (let i = 1; i <= RANKED_MATCH_PLAYERS; i++) four.push(await newGuest(running().url, `Pg ${i}`));
      const seats = await queueAndSeat(four);
      expect(new Set(seats.map((s) => s.room.roomId)).size).toBe(1);
      await expectMatchOver(seats);
      const recorded = await ratingsOf(running().store, four);
      for (const g of four) expect(recorded.get(g.playerId)!.games).toBe(1);

      await running().stop();
      server = undefined;
      server = await startTestServer({ ...SHORT_MATCH, dataDir: pgData.dir, databaseUrl });
      expect(await ratingsOf(running().store, four)).toEqual(recorded);
      const board = await leaderboard(running().url, "?limit=100");
      expect(board.map((p) => p.playerId).sort()).toEqual(four.map((g) => g.playerId).sort());
      expect(board.every((p) => p.games === 1)).toBe(true);
      // Ratings went to PostgreSQL only: no SQLite file beside the token secret.
      expect(existsSync(path.join(pgData.dir, SQLITE_FILE))).toBe(false);
    } finally {
      await leaveAllRooms();
      await server?.stop();
      server = undefined;
      await sleep(100);
      await c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await c.end();
      pgData.remove();
    }
  }, 45_000);
});
