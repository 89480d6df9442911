/**
 * The embedded player store: one SQLite file through `node:sqlite` (no native add-on, no flag on
 * Node 24). WAL mode so leaderboard reads do not block a match being recorded, a busy timeout so
 * a second process on the same file waits instead of failing, and `BEGIN IMMEDIATE` so a write
 * transaction takes the write lock before it reads the ratings it will overwrite.
 *
 * `node:sqlite` is synchronous: each method runs to completion inside one call, so matches
 * recorded from one process never interleave; the transaction is what makes a match atomic on
 * disk and serialises writers from other processes. `":memory:"` opens a private in-memory
 * database (for tests).
 */
import { DatabaseSync, type SQLOutputValue, type StatementSync } from "node:sqlite";
import { INITIAL_RATING, ratingChanges, type RatingChange } from "../ranked/rating.ts";
import {
  checkIds,
  checkLimit,
  checkMatch,
  unknownPlayer,
  type PlayerRecord,
  type PlayerStore,
  type RankedResult,
} from "./player-store.ts";

/** Milliseconds a statement waits for another connection's lock before failing. */
const BUSY_TIMEOUT_MS = 5000;

/** Schema migrations; `PRAGMA user_version` holds how many have been applied. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS players (
     player_id  TEXT PRIMARY KEY,
     name       TEXT NOT NULL,
     rating     INTEGER NOT NULL,
     games      INTEGER NOT NULL DEFAULT 0,
     wins       INTEGER NOT NULL DEFAULT 0,
     updated_at INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX IF NOT EXISTS players_leaderboard ON players (rating DESC, games DESC, player_id);
   CREATE TABLE IF NOT EXISTS matches (
     match_id     TEXT PRIMARY KEY,
     finished_at  INTEGER NOT NULL,
     player_count INTEGER NOT NULL
   ) STRICT;
   CREATE TABLE IF NOT EXISTS match_players (
     match_id      TEXT NOT NULL REFERENCES matches (match_id) ON DELETE CASCADE,
     position      INTEGER NOT NULL,
     player_id     TEXT NOT NULL,
     name          TEXT NOT NULL,
     score         REAL NOT NULL,
     kills         INTEGER NOT NULL,
     deaths        INTEGER NOT NULL,
     rating_before INTEGER NOT NULL,
     rating_after  INTEGER NOT NULL,
     PRIMARY KEY (match_id, player_id)
   ) STRICT;
   CREATE INDEX IF NOT EXISTS match_players_player ON match_players (player_id);`,
];

type Row = Record<string, SQLOutputValue>;

function toRecord(row: Row): PlayerRecord {
  return {
    playerId: String(row.player_id),
    name: String(row.name),
    rating: Number(row.rating),
    games: Number(row.games),
    wins: Number(row.wins),
    updatedAt: Number(row.updated_at),
  };
}

function toChanges(rows: readonly Row[]): Map<string, RatingChange> {
  return new Map(
    rows.map((row) => [String(row.player_id), { before: Number(row.rating_before), after: Number(row.rating_after) }]),
  );
}

class SqlitePlayerStore implements PlayerStore {
  readonly kind = "sqlite" as const;
  private readonly db: DatabaseSync;
  private readonly selectPlayers: StatementSync;
  private readonly selectMatch: StatementSync;
  private readonly selectMatchPlayers: StatementSync;
  private readonly insertMatch: StatementSync;
  private readonly upsertPlayer: StatementSync;
  private readonly insertMatchPlayer: StatementSync;
  private readonly selectTop: StatementSync;

  constructor(path: string) {
    this.db = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS, enableForeignKeyConstraints: true });
    try {
      this.db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
      this.db.exec("PRAGMA journal_mode = WAL"); // an in-memory database stays in "memory" mode
      this.db.exec("PRAGMA synchronous = NORMAL"); // durable across crashes of the process in WAL
      this.migrate();
    } catch (error) {
      this.db.close();
      throw error;
    }
    const db = this.db;
    // Ids are passed as one JSON array: a statement with a fixed shape, any number of ids.
    this.selectPlayers = db.prepare(
      "SELECT * FROM players WHERE player_id IN (SELECT value FROM json_each(?)) ORDER BY player_id",
    );
    this.selectMatch = db.prepare("SELECT match_id FROM matches WHERE match_id = ?");
    this.selectMatchPlayers = db.prepare(
      "SELECT player_id, rating_before, rating_after FROM match_players WHERE match_id = ? ORDER BY position",
    );
    this.insertMatch = db.prepare("INSERT INTO matches (match_id, finished_at, player_count) VALUES (?, ?, ?)");
    this.upsertPlayer = db.prepare(
      `INSERT INTO players (player_id, name, rating, games, wins, updated_at) VALUES (?, ?, ?, 1, ?, ?)
       ON CONFLICT (player_id) DO UPDATE SET
         name = excluded.name,
         rating = excluded.rating,
         games = players.games + 1,
         wins = players.wins + excluded.wins,
         updated_at = max(players.updated_at, excluded.updated_at)`,
    );
    this.insertMatchPlayer = db.prepare(
      `INSERT INTO match_players
         (match_id, position, player_id, name, score, kills, deaths, rating_before, rating_after)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.selectTop = db.prepare("SELECT * FROM players ORDER BY rating DESC, games DESC, player_id LIMIT ?");
  }

  private migrate(): void {
    this.transaction(() => {
      const version = Number(this.db.prepare("PRAGMA user_version").get()?.user_version ?? 0);
      for (let v = version; v < MIGRATIONS.length; v++) this.db.exec(MIGRATIONS[v]!);
      if (version < MIGRATIONS.length) this.db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
    });
  }

  /** Runs `fn` in a write transaction: committed if it returns, rolled back if it throws. */
  private transaction<T>(fn: () => T): T {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      this.db.exec("COMMIT");
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      throw error;
    }
  }

  async ratings(playerIds: readonly string[]): Promise<Map<string, PlayerRecord>> {
    const ids = checkIds(playerIds);
    const found = new Map<string, PlayerRecord>();
    if (ids.length > 0) {
      for (const row of this.selectPlayers.all(JSON.stringify(ids))) {
        const record = toRecord(row);
        found.set(record.playerId, record);
      }
    }
    return new Map(ids.map((id) => [id, found.get(id) ?? unknownPlayer(id)]));
  }

  async recordRankedMatch(
    matchId: string,
    results: readonly RankedResult[],
    finishedAt?: number,
  ): Promise<Map<string, RatingChange>> {
    const match = checkMatch(matchId, results, finishedAt);
    return this.transaction(() => {
      if (this.selectMatch.get(match.matchId) !== undefined) {
        return toChanges(this.selectMatchPlayers.all(match.matchId));
      }
      const ids = match.results.map((r) => r.playerId);
      const current = new Map<string, number>();
      for (const row of this.selectPlayers.all(JSON.stringify(ids))) {
        current.set(String(row.player_id), Number(row.rating));
      }
      const changes = ratingChanges(
        match.results.map((r) => ({
          playerId: r.playerId,
          rating: current.get(r.playerId) ?? INITIAL_RATING,
          score: r.score,
        })),
      );
      this.insertMatch.run(match.matchId, match.finishedAt, match.results.length);
      match.results.forEach((r, position) => {
        const change = changes.get(r.playerId)!;
        const win = match.winners.has(r.playerId) ? 1 : 0;
        this.upsertPlayer.run(r.playerId, r.name, change.after, win, match.finishedAt);
        this.insertMatchPlayer.run(
          match.matchId,
          position,
          r.playerId,
          r.name,
          r.score,
          r.kills,
          r.deaths,
          change.before,
          change.after,
        );
      });
      return changes;
    });
  }

  async leaderboard(limit: number): Promise<PlayerRecord[]> {
    return this.selectTop.all(checkLimit(limit)).map(toRecord);
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }
}

/** Opens (creating if needed) the SQLite store at `path`, or an in-memory one for `":memory:"`. */
export function openSqliteStore(path: string): PlayerStore {
  return new SqlitePlayerStore(path);
}
