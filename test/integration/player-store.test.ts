/**
 * The player-rating store against both backends: the embedded SQLite file (in a temporary
 * directory) and PostgreSQL (in throw-away schemas, dropped afterwards). PostgreSQL is part of
 * the test environment: if it cannot be reached, its block fails instead of skipping.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INITIAL_RATING } from "../../server/ranked/rating.ts";
import { openPlayerStore, SQLITE_FILE, type PlayerStore, type RankedResult } from "../../server/store/player-store.ts";

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Where a store lives: a data directory, or a schema of the test database. */
interface Backend {
  readonly kind: "sqlite" | "postgres";
  /** Prepares the backend; throws if it is unavailable. */
  setup(): Promise<void>;
  /** A new, empty location. */
  location(): string;
  open(location: string): Promise<PlayerStore>;
  teardown(): Promise<void>;
}

function sqliteBackend(): Backend {
  let root = "";
  let n = 0;
  return {
    kind: "sqlite",
    async setup() {
      root = mkdtempSync(join(tmpdir(), "tick-arena-store-"));
    },
    location: () => join(root, `data-${++n}`, "nested"), // openPlayerStore creates missing directories
    open: (dataDir) => openPlayerStore({ dataDir }),
    async teardown() {
      if (root) rmSync(root, { recursive: true, force: true });
    },
  };
}

function postgresBackend(): Backend {
  const base = `tick_arena_test_${randomBytes(6).toString("hex")}`;
  const schemas: string[] = [];
  const admin = () => new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 10_000 });
  return {
    kind: "postgres",
    async setup() {
      const client = admin();
      await client.connect(); // unreachable database: the whole block fails here
      await client.end();
    },
    location() {
      const schema = schemas.length === 0 ? base : `${base}_${schemas.length + 1}`;
      schemas.push(schema);
      return schema;
    },
    open: (pgSchema) => openPlayerStore({ databaseUrl: DATABASE_URL, dataDir: tmpdir(), pgSchema }),
    async teardown() {
      if (schemas.length === 0) return;
      const client = admin();
      await client.connect();
      try {
        for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

const result = (playerId: string, score: number, name = playerId.toUpperCase()): RankedResult => ({
  playerId,
  name,
  score,
  kills: Math.max(score, 0),
  deaths: Math.max(-score, 0),
});

describe.each([{ backend: sqliteBackend() }, { backend: postgresBackend() }])(
  "player store: $backend.kind",
  ({ backend }) => {
    let store: PlayerStore;
    const opened: PlayerStore[] = [];
    const open = async (location: string) => {
      const s = await backend.open(location);
      opened.push(s);
      return s;
    };

    beforeAll(async () => {
      await backend.setup();
      store = await open(backend.location());
    });
    afterAll(async () => {
      for (const s of opened) await s.close();
      await backend.teardown();
    });

    it("is the backend asked for", () => {
      expect(store.kind).toBe(backend.kind);
    });

    it("reports an unknown player at 1200 with no games, without storing it", async () => {
      const ratings = await store.ratings(["ghost", "ghost", "phantom"]);
      expect([...ratings.keys()]).toEqual(["ghost", "phantom"]);
      expect(ratings.get("ghost")).toEqual({
        playerId: "ghost",
        name: "",
        rating: INITIAL_RATING,
        games: 0,
        wins: 0,
        updatedAt: 0,
      });
      expect((await store.ratings([])).size).toBe(0);
      expect((await store.leaderboard(100)).map((p) => p.playerId)).not.toContain("ghost");
    });

    it("records a match: winner up, loser down, games and wins counted, names updated", async () => {
      const changes = await store.recordRankedMatch(
        "m-basic-1",
        [result("r1", 6), result("r2", 1), result("r3", -4)],
        1_700_000_000_000,
      );
      expect([...changes.keys()]).toEqual(["r1", "r2", "r3"]);
      expect(changes.get("r1")).toEqual({ before: 1200, after: 1216 });
      expect(changes.get("r2")).toEqual({ before: 1200, after: 1200 });
      expect(changes.get("r3")).toEqual({ before: 1200, after: 1184 });

      const after = await store.ratings(["r1", "r2", "r3"]);
      expect(after.get("r1")).toEqual({
        playerId: "r1",
        name: "R1",
        rating: 1216,
        games: 1,
        wins: 1,
        updatedAt: 1_700_000_000_000,
      });
      expect(after.get("r2")).toMatchObject({ rating: 1200, games: 1, wins: 0 });
      expect(after.get("r3")).toMatchObject({ rating: 1184, games: 1, wins: 0 });

      // a second match starts from the stored ratings; a shared top score wins for both
      const second = await store.recordRankedMatch(
        "m-basic-2",
        [result("r3", 2, "Renamed 🚀"), result("r1", 2), result("r4", 0)],
        1_700_000_100_000,
      );
      expect(second.get("r3")!.before).toBe(1184);
      expect(second.get("r1")!.before).toBe(1216);
      expect(second.get("r4")!.before).toBe(1200);
      const later = await store.ratings(["r1", "r3", "r4"]);
      expect(later.get("r3")).toMatchObject({ name: "Renamed 🚀", games: 2, wins: 1, updatedAt: 1_700_000_100_000 });
      expect(later.get("r3")!.rating).toBe(second.get("r3")!.after);
      expect(later.get("r1")).toMatchObject({ games: 2, wins: 2, rating: second.get("r1")!.after });
      expect(later.get("r4")).toMatchObject({ games: 1, wins: 0, rating: second.get("r4")!.after });
      expect(second.get("r4")!.after).toBeLessThan(1200);

      // a match where every score ties is a draw: games counted, nobody wins, ratings unmoved
      const draw = await store.recordRankedMatch("m-basic-draw", [result("d1", 0), result("d2", 0), result("d3", 0)]);
      const drawn = await store.ratings(["d1", "d2", "d3"]);
      for (const id of ["d1", "d2", "d3"]) {
        expect(drawn.get(id)).toMatchObject({ games: 1, wins: 0, rating: 1200 });
        expect(draw.get(id)).toEqual({ before: 1200, after: 1200 });
      }
    });

    it("applies a match id once: a repeat changes nothing and returns the stored changes", async () => {
      const first = await store.recordRankedMatch("m-idem", [result("i1", 3), result("i2", 0)]);
      const again = await store.recordRankedMatch("m-idem", [result("i1", 0), result("i2", 9), result("i3", 1)]);
      expect(again).toEqual(first);
      const ratings = await store.ratings(["i1", "i2", "i3"]);
      expect(ratings.get("i1")).toMatchObject({ rating: first.get("i1")!.after, games: 1, wins: 1 });
      expect(ratings.get("i2")).toMatchObject({ rating: first.get("i2")!.after, games: 1, wins: 0 });
      expect(ratings.get("i3")!.games).toBe(0);

      // the same id submitted concurrently is applied once too
      const racing = await Promise.all(
        Array.from({ length: 5 }, () => store.recordRankedMatch("m-idem-race", [result("i4", 1), result("i5", 0)])),
      );
      for (const changes of racing) expect(changes).toEqual(racing[0]);
      const raced = await store.ratings(["i4", "i5"]);
      expect(raced.get("i4")).toMatchObject({ games: 1, wins: 1, rating: 1216 });
      expect(raced.get("i5")).toMatchObject({ games: 1, wins: 0, rating: 1184 });
    });

    it("rejects malformed matches and leaderboard sizes before touching the data", async () => {
      await expect(store.recordRankedMatch("m-bad", [])).rejects.toThrow(RangeError);
      await expect(store.recordRankedMatch("", [result("b1", 1)])).rejects.toThrow(RangeError);
      await expect(store.recordRankedMatch("m-bad", [result("b1", 1), result("b1", 2)])).rejects.toThrow(RangeError);
      await expect(store.recordRankedMatch("m-bad", [result("b1", Number.NaN), result("b2", 2)])).rejects.toThrow(
        RangeError,
      );
      for (const limit of [0, 101, 2.5, Number.NaN]) await expect(store.leaderboard(limit)).rejects.toThrow(RangeError);
      expect((await store.ratings(["b1"])).get("b1")!.games).toBe(0);
      // the rejected id is still free
      await store.recordRankedMatch("m-bad", [result("b1", 1), result("b2", 0)]);
      expect((await store.ratings(["b1"])).get("b1")!.games).toBe(1);
    });

    it("orders the leaderboard by rating, then games, then player id, and honours the limit", async () => {
      const board = await open(backend.location());
      await board.recordRankedMatch("l1", [result("a", 1), result("b", 0)]); // a 1216, b 1184
      await board.recordRankedMatch("l2", [result("d", 0), result("c", 1)]); // c 1216, d 1184
      await board.recordRankedMatch("l3", [result("f", 0), result("e", 0)]); // draws at 1200
      await board.recordRankedMatch("l4", [result("h", 0), result("j", 0)]);
      await board.recordRankedMatch("l5", [result("i", 0), result("h", 0)]); // h: 2 games
      const all = await board.leaderboard(100);
      expect(all.map((p) => [p.playerId, p.rating, p.games])).toEqual([
        ["a", 1216, 1],
        ["c", 1216, 1],
        ["h", 1200, 2],
        ["e", 1200, 1],
        ["f", 1200, 1],
        ["i", 1200, 1],
        ["j", 1200, 1],
        ["b", 1184, 1],
        ["d", 1184, 1],
      ]);
      expect(all[0]).toMatchObject({ name: "A", wins: 1 });
      expect((await board.leaderboard(3)).map((p) => p.playerId)).toEqual(["a", "c", "h"]);
      expect((await board.leaderboard(1)).map((p) => p.playerId)).toEqual(["a"]);
    });

    it("keeps ratings, match ids and the leaderboard across a reopen", async () => {
      const location = backend.location();
      const first = await open(location);
      await first.recordRankedMatch("p1", [result("keep1", 5), result("keep2", 2), result("keep3", 0)], 1000);
      const before = await first.ratings(["keep1", "keep2", "keep3"]);
      const board = await first.leaderboard(10);
      await first.close();
      await first.close(); // closing twice is harmless
      if (backend.kind === "sqlite") expect(existsSync(join(location, SQLITE_FILE))).toBe(true);

      const second = await open(location);
      expect(await second.ratings(["keep1", "keep2", "keep3"])).toEqual(before);
      expect(await second.leaderboard(10)).toEqual(board);
      expect(before.get("keep1")).toMatchObject({ rating: 1216, games: 1, wins: 1, updatedAt: 1000 });
      // the match is remembered too: replaying it changes nothing
      const replay = await second.recordRankedMatch("p1", [result("keep1", 0), result("keep2", 9)]);
      expect(replay.get("keep1")).toEqual({ before: 1200, after: 1216 });
      expect(await second.ratings(["keep1", "keep2", "keep3"])).toEqual(before);
    });

    it("loses no update when matches with overlapping players are recorded concurrently", async () => {
      const location = backend.location();
      const stores = [await open(location), await open(location)]; // two pools / two connections
      const players = ["c0", "c1", "c2", "c3", "c4", "c5"];
      // every match has c0, and two of the others in turn; 20 matches, all at once
      const matches = Array.from({ length: 20 }, (_, i) => [
        result("c0", i % 3),
        result(players[1 + (i % 5)]!, (i * 7) % 4),
        result(players[1 + ((i + 2) % 5)]!, (i * 5) % 3),
      ]);
      const changes = await Promise.all(
        matches.map((m, i) => stores[i % 2]!.recordRankedMatch(`cc-${i}`, m, 5000 + i)),
      );

      const final = await stores[0]!.ratings(players);
      for (const id of players) {
        const played = matches.filter((m) => m.some((r) => r.playerId === id));
        const won = played.filter((m) => {
          const top = Math.max(...m.map((r) => r.score));
          const draw = m.every((r) => r.score === top);
          return !draw && m.find((r) => r.playerId === id)!.score === top;
        });
        expect(final.get(id)!.games, `games of ${id}`).toBe(played.length);
        expect(final.get(id)!.wins, `wins of ${id}`).toBe(won.length);
        // serialised updates chain: the changes a player saw add up to its final rating
        const sum = changes.reduce((acc, c) => {
          const change = c.get(id);
          return change ? acc + change.after - change.before : acc;
        }, 0);
        expect(final.get(id)!.rating, `rating of ${id}`).toBe(INITIAL_RATING + sum);
      }
      expect(final.get("c0")!.games).toBe(20);
    });
  },
);

describe("player store: configuration", () => {
  it("refuses a PostgreSQL schema name that is not a plain identifier", async () => {
    for (const pgSchema of ["Public", "a-b", 'x"; DROP TABLE y; --', "", "1abc", "a".repeat(64)]) {
      await expect(openPlayerStore({ databaseUrl: DATABASE_URL, dataDir: tmpdir(), pgSchema })).rejects.toThrow(
        RangeError,
      );
    }
  });
});
