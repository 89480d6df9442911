/**
 * The PostgreSQL player store, for deployments with several game servers or a managed database.
 * A small `pg` pool (5 connections), all tables in one schema (created if missing), versioned
 * migrations applied under an advisory lock so servers starting together do not race.
 *
 * Recording a match is one transaction: the match row is inserted first (`ON CONFLICT DO
 * NOTHING`: a second call with the same id, even a concurrent one, waits for the first and then
 * only reads its stored changes), missing players are inserted with `ON CONFLICT DO NOTHING` so
 * every player has a row to lock, the rows are locked `FOR UPDATE` in player-id order (one order
 * for every transaction, so overlapping matches queue instead of deadlocking), and only then are
 * ratings read, computed and written. A deadlock or serialisation failure is retried.
 *
 * Every value is a query parameter; the schema name, the only identifier from configuration, is
 * validated and quoted. Pool and client errors are logged: an unhandled 'error' event from a
 * dropped idle connection would otherwise crash the process.
 */
import { Pool, type PoolClient, type QueryResultRow } from "pg";
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
import { logger } from "../log/logger.ts";

export interface PostgresStoreOptions {
  connectionString: string;
  /** Schema holding the tables; created if missing. */
  schema: string;
  /** Where pool errors are reported (default: a JSON line on stderr). */
  onError?: (error: Error) => void;
}

/** A schema name we are willing to put in SQL text. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const POOL_SIZE = 5;
/** Attempts of a transaction that ends in a deadlock or serialisation failure. */
const MAX_ATTEMPTS = 4;
/** SQLSTATEs worth retrying: serialization_failure, deadlock_detected. */
const RETRYABLE = new Set(["40001", "40P01"]);
/** Key of the advisory lock held while migrating (any constant; "tick" in ASCII). */
const MIGRATION_LOCK = 0x7469636b;

/** Migrations by version; `s` is the quoted schema name. */
const MIGRATIONS: readonly ((s: string) => string)[] = [
  (s) => `
    CREATE TABLE IF NOT EXISTS ${s}.players (
      player_id  text COLLATE "C" PRIMARY KEY,
      name       text NOT NULL,
      rating     integer NOT NULL,
      games      integer NOT NULL DEFAULT 0,
      wins       integer NOT NULL DEFAULT 0,
      updated_at bigint NOT NULL
    );
    CREATE INDEX IF NOT EXISTS players_leaderboard ON ${s}.players (rating DESC, games DESC, player_id);
    CREATE TABLE IF NOT EXISTS ${s}.matches (
      match_id     text PRIMARY KEY,
      finished_at  bigint NOT NULL,
      player_count integer NOT NULL
    );
    CREATE TABLE IF NOT EXISTS ${s}.match_players (
      match_id      text NOT NULL REFERENCES ${s}.matches (match_id) ON DELETE CASCADE,
      position      integer NOT NULL,
      player_id     text NOT NULL,
      name          text NOT NULL,
      score         double precision NOT NULL,
      kills         integer NOT NULL,
      deaths        integer NOT NULL,
      rating_before integer NOT NULL,
      rating_after  integer NOT NULL,
      PRIMARY KEY (match_id, player_id)
    );
    CREATE INDEX IF NOT EXISTS match_players_player ON ${s}.match_players (player_id);`,
];

function toRecord(row: QueryResultRow): PlayerRecord {
  return {
    playerId: String(row.player_id),
    name: String(row.name),
    rating: Number(row.rating),
    games: Number(row.games),
    wins: Number(row.wins),
    updatedAt: Number(row.updated_at), // bigint arrives as a string
  };
}

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && RETRYABLE.has(code);
}

function logError(error: Error): void {
  logger.error({ event: "pg-error", error: String(error) });
}

class PostgresPlayerStore implements PlayerStore {
  readonly kind = "postgres" as const;
  private closed = false;

  constructor(
    private readonly pool: Pool,
    /** The quoted schema name. */
    private readonly s: string,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Runs `fn` in a transaction on one pooled client, retrying deadlocks. */
  async transaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      // The pool listens for errors of idle clients only; a checked-out one is ours to watch.
      client.on("error", this.onError);
      let broken = false;
      try {
        await client.query("BEGIN");
        const result = await fn(client);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        try {
          await client.query("ROLLBACK");
        } catch {
          broken = true; // the connection is gone: do not give it back to the pool
        }
        if (attempt < MAX_ATTEMPTS && isRetryable(error)) continue;
        throw error;
      } finally {
        client.removeListener("error", this.onError);
        client.release(broken);
      }
    }
  }

  async migrate(schemaName: string): Promise<void> {
    await this.transaction(async (c) => {
      await c.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      // CREATE SCHEMA needs a privilege a restricted role may lack even when the schema exists.
      const exists = await c.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schemaName]);
      if (exists.rowCount === 0) await c.query(`CREATE SCHEMA IF NOT EXISTS ${this.s}`);
      await c.query(
        `CREATE TABLE IF NOT EXISTS ${this.s}.schema_version (
           version integer PRIMARY KEY,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const applied = await c.query(`SELECT coalesce(max(version), 0) AS v FROM ${this.s}.schema_version`);
      for (let v = Number(applied.rows[0]?.v ?? 0); v < MIGRATIONS.length; v++) {
        await c.query(MIGRATIONS[v]!(this.s));
        await c.query(`INSERT INTO ${this.s}.schema_version (version) VALUES ($1)`, [v + 1]);
      }
    });
  }

  async ratings(playerIds: readonly string[]): Promise<Map<string, PlayerRecord>> {
    const ids = checkIds(playerIds);
    const found = new Map<string, PlayerRecord>();
    if (ids.length > 0) {
      const { rows } = await this.pool.query(`SELECT * FROM ${this.s}.players WHERE player_id = ANY($1::text[])`, [
        ids,
      ]);
      for (const row of rows) {
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
    const s = this.s;
    const sorted = [...match.results].sort((a, b) => (a.playerId < b.playerId ? -1 : 1));
    return this.transaction(async (c) => {
      const claimed = await c.query(
        `INSERT INTO ${s}.matches (match_id, finished_at, player_count) VALUES ($1, $2, $3)
         ON CONFLICT (match_id) DO NOTHING RETURNING match_id`,
        [match.matchId, match.finishedAt, match.results.length],
      );
      if (claimed.rowCount === 0) {
        const stored = await c.query(
          `SELECT player_id, rating_before, rating_after FROM ${s}.match_players
           WHERE match_id = $1 ORDER BY position`,
          [match.matchId],
        );
        return new Map(
          stored.rows.map((r) => [
            String(r.player_id),
            { before: Number(r.rating_before), after: Number(r.rating_after) },
          ]),
        );
      }

      await c.query(
        `INSERT INTO ${s}.players (player_id, name, rating, games, wins, updated_at)
         SELECT t.id, t.name, $3, 0, 0, $4 FROM unnest($1::text[], $2::text[]) AS t (id, name) ORDER BY t.id COLLATE "C"
         ON CONFLICT (player_id) DO NOTHING`,
        [sorted.map((r) => r.playerId), sorted.map((r) => r.name), INITIAL_RATING, match.finishedAt],
      );
      const locked = await c.query(
        `SELECT player_id, rating FROM ${s}.players WHERE player_id = ANY($1::text[]) ORDER BY player_id FOR UPDATE`,
        [sorted.map((r) => r.playerId)],
      );
      const current = new Map(locked.rows.map((r) => [String(r.player_id), Number(r.rating)]));
      const changes = ratingChanges(
        match.results.map((r) => ({
          playerId: r.playerId,
          rating: current.get(r.playerId) ?? INITIAL_RATING,
          score: r.score,
        })),
      );
      const after = (id: string) => changes.get(id)!.after;
      const before = (id: string) => changes.get(id)!.before;

      await c.query(
        `UPDATE ${s}.players AS p SET
           name = t.name,
           rating = t.rating,
           games = p.games + 1,
           wins = p.wins + t.win,
           updated_at = greatest(p.updated_at, $5)
         FROM unnest($1::text[], $2::text[], $3::integer[], $4::integer[]) AS t (id, name, rating, win)
         WHERE p.player_id = t.id`,
        [
          sorted.map((r) => r.playerId),
          sorted.map((r) => r.name),
          sorted.map((r) => after(r.playerId)),
          sorted.map((r) => (match.winners.has(r.playerId) ? 1 : 0)),
          match.finishedAt,
        ],
      );
      const rs = match.results;
      await c.query(
        `INSERT INTO ${s}.match_players
           (match_id, position, player_id, name, score, kills, deaths, rating_before, rating_after)
         SELECT $1, t.ord - 1, t.id, t.name, t.score, t.kills, t.deaths, t.rb, t.ra
         FROM unnest($2::text[], $3::text[], $4::float8[], $5::integer[], $6::integer[], $7::integer[], $8::integer[])
           WITH ORDINALITY AS t (id, name, score, kills, deaths, rb, ra, ord)`,
        [
          match.matchId,
          rs.map((r) => r.playerId),
          rs.map((r) => r.name),
          rs.map((r) => r.score),
          rs.map((r) => r.kills),
          rs.map((r) => r.deaths),
          rs.map((r) => before(r.playerId)),
          rs.map((r) => after(r.playerId)),
        ],
      );
      return changes;
    });
  }

  async leaderboard(limit: number): Promise<PlayerRecord[]> {
    const { rows } = await this.pool.query(
      `SELECT * FROM ${this.s}.players ORDER BY rating DESC, games DESC, player_id LIMIT $1`,
      [checkLimit(limit)],
    );
    return rows.map(toRecord);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

/** Connects, creates the schema and tables if missing, and returns the store. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PlayerStore> {
  if (!SCHEMA_NAME.test(options.schema)) {
    throw new RangeError(`invalid PostgreSQL schema name ${JSON.stringify(options.schema)}`);
  }
  const onError = options.onError ?? logError;
  const pool = new Pool({
    connectionString: options.connectionString,
    max: POOL_SIZE,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 15_000,
    application_name: "tick-arena",
  });
  // An idle client that loses its connection emits on the pool.
  pool.on("error", onError);
  const store = new PostgresPlayerStore(pool, `"${options.schema}"`, onError);
  try {
    await store.migrate(options.schema);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
