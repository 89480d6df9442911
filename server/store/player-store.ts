/**
 * The persistent player-rating store of the ranked queue: its interface, the checks both
 * backends share, and the factory that picks one. PostgreSQL when a database URL is configured,
 * otherwise an embedded SQLite file in the data directory, so a single server runs with no
 * database to set up. Backends are imported lazily: a SQLite server never loads `pg`.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { INITIAL_RATING } from "../ranked/rating.ts";

export interface PlayerRecord {
  playerId: string;
  name: string;
  rating: number;
  games: number;
  wins: number;
  /** Epoch ms of the last ranked match; 0 for a player never stored. */
  updatedAt: number;
}

/** One player's line in the final standings of a ranked match. */
export interface RankedResult {
  playerId: string;
  name: string;
  /** Higher is better; ties allowed. */
  score: number;
  kills: number;
  deaths: number;
}

export interface PlayerStore {
  readonly kind: "sqlite" | "postgres";
  /** Ratings of these players; unknown ids get INITIAL_RATING with games 0 (not inserted). */
  ratings(playerIds: readonly string[]): Promise<Map<string, PlayerRecord>>;
  /**
   * Applies one ranked match atomically (one transaction): reads current ratings, computes
   * ratingChanges, upserts players (name updated, games+1, wins+1 for the top score(s) unless all tie), records
   * the match row. Idempotent by matchId: a second call with the same matchId changes nothing
   * and returns the stored changes.
   */
  recordRankedMatch(
    matchId: string,
    results: readonly RankedResult[],
    finishedAt?: number,
  ): Promise<Map<string, { before: number; after: number }>>;
  /** Top players by rating (ties: more games first, then playerId), at most `limit` (1–100). */
  leaderboard(limit: number): Promise<PlayerRecord[]>;
  close(): Promise<void>;
}

export interface StoreOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** postgres only: schema to use (created if missing); default "public" */
  pgSchema?: string;
}

/** Name of the SQLite file inside the data directory. */
export const SQLITE_FILE = "tick-arena.sqlite";

/** Longest match id and player id accepted. */
export const MAX_ID_LENGTH = 200;
/** Longest display name stored (longer names are cut). */
export const MAX_NAME_LENGTH = 64;
/** Most players in one ranked match. */
export const MAX_MATCH_PLAYERS = 64;
/** Largest kill or death count stored (a 32-bit integer column). */
const MAX_INT32 = 2_147_483_647;
/** Largest leaderboard page. */
export const MAX_LEADERBOARD = 100;

/** Opens the configured store: PostgreSQL when `databaseUrl` is set, else the SQLite file. */
export async function openPlayerStore(options: StoreOptions): Promise<PlayerStore> {
  if (options.databaseUrl) {
    const { openPostgresStore } = await import("./postgres-store.ts");
    return openPostgresStore({ connectionString: options.databaseUrl, schema: options.pgSchema ?? "public" });
  }
  mkdirSync(options.dataDir, { recursive: true });
  const { openSqliteStore } = await import("./sqlite-store.ts");
  return openSqliteStore(join(options.dataDir, SQLITE_FILE));
}

// ---- shared by the backends -------------------------------------------------------------------

/** A match, checked and normalised: names cut, finish time set. */
export interface CheckedMatch {
  matchId: string;
  results: RankedResult[];
  finishedAt: number;
  /** Ids of the players with the top score (several on a tie). */
  winners: Set<string>;
}

function checkId(what: string, id: unknown): string {
  if (typeof id !== "string" || id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw new RangeError(`${what} must be a string of 1–${MAX_ID_LENGTH} characters`);
  }
  return id;
}

/** Validates a match before any query runs; throws a RangeError naming the bad field. */
export function checkMatch(matchId: string, results: readonly RankedResult[], finishedAt?: number): CheckedMatch {
  checkId("matchId", matchId);
  if (results.length === 0 || results.length > MAX_MATCH_PLAYERS) {
    throw new RangeError(`a ranked match needs 1–${MAX_MATCH_PLAYERS} results`);
  }
  const at = finishedAt ?? Date.now();
  if (!Number.isSafeInteger(at) || at < 0) throw new RangeError("finishedAt must be epoch milliseconds");
  const seen = new Set<string>();
  const checked: RankedResult[] = [];
  for (const r of results) {
    checkId("playerId", r.playerId);
    if (seen.has(r.playerId)) throw new RangeError(`player ${r.playerId} appears twice in match ${matchId}`);
    seen.add(r.playerId);
    if (typeof r.name !== "string") throw new RangeError(`name of ${r.playerId} must be a string`);
    if (!Number.isFinite(r.score)) throw new RangeError(`score of ${r.playerId} must be a finite number`);
    for (const [field, value] of [
      ["kills", r.kills],
      ["deaths", r.deaths],
    ] as const) {
      if (!Number.isInteger(value) || value < 0 || value > MAX_INT32) {
        throw new RangeError(`${field} of ${r.playerId} must be an integer in 0–${MAX_INT32}`);
      }
    }
    checked.push({ ...r, name: [...r.name].slice(0, MAX_NAME_LENGTH).join("") });
  }
  // The top score wins, shared by everyone who has it; a match where every score ties (a 0–0)
  // is a draw: nobody beat anybody, so nobody wins.
  const top = Math.max(...checked.map((r) => r.score));
  const draw = checked.every((r) => r.score === top);
  const winners = new Set(draw ? [] : checked.filter((r) => r.score === top).map((r) => r.playerId));
  return { matchId, results: checked, finishedAt: at, winners };
}

/** Validates a leaderboard size: an integer in 1–100. */
export function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LEADERBOARD) {
    throw new RangeError(`leaderboard limit must be an integer in 1–${MAX_LEADERBOARD}`);
  }
  return limit;
}

/** Distinct player ids, each checked. */
export function checkIds(playerIds: readonly string[]): string[] {
  return [...new Set(playerIds)].map((id) => checkId("playerId", id));
}

/** What `ratings` reports for a player never stored. */
export function unknownPlayer(playerId: string): PlayerRecord {
  return { playerId, name: "", rating: INITIAL_RATING, games: 0, wins: 0, updatedAt: 0 };
}
