/**
 * Rating math for the ranked queue: multiplayer Elo for free-for-all matches. Pure: no clock,
 * no I/O, the same standings always give the same result.
 *
 * A match of n players is scored as the n(n−1)/2 duels it contains: each pair is compared by
 * match score (higher wins 1, equal ties 0.5, lower 0) against the Elo expectation of that pair,
 * and each duel is weighted K/(n−1). A player's change is therefore K times the mean of its
 * duel surprises, so one match moves a rating by less than K however many players it had, and
 * an 8-player lobby is not worth 7 duel matches.
 *
 * Why Elo and not Glicko-2: ratings only pick matchmaking bands and order a leaderboard. Elo is
 * one integer per player, simple to explain, deterministic, and needs no rating periods or
 * volatility state; Glicko-2's confidence intervals would mostly matter for tournaments or
 * sparse play. Swapping later is a change of this module and one column.
 *
 * Ratings are integers: each change is rounded half away from zero, so equal standings always
 * get equal changes and the sum of changes in a match is zero up to that rounding (at most n/2
 * points off).
 */

/** The rating of a player who has never played a ranked match. */
export const INITIAL_RATING = 1200;

/** The largest change one match can make to a rating (reached only in the limit). */
export const RATING_K = 32;

/** Elo's logistic scale: a 400-point gap means 10:1 odds. */
const SCALE = 400;

/** One player's place in the final standings of a ranked match. */
export interface Standing {
  readonly playerId: string;
  /** Rating before the match (an integer as stored). */
  readonly rating: number;
  /** Higher is better (e.g. kills − deaths); equal scores tie. */
  readonly score: number;
}

/** A rating before and after one match. */
export interface RatingChange {
  before: number;
  after: number;
}

/** The expected duel score of a player rated `a` against one rated `b`, in (0, 1). */
export function expectedScore(a: number, b: number): number {
  return 1 / (1 + 10 ** ((b - a) / SCALE));
}

/** Rounds half away from zero, so +x and −x round to opposite values. */
function roundSymmetric(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/**
 * New ratings after one free-for-all match, keyed by player id. With fewer than two players
 * nothing changes. Throws a RangeError on duplicate ids or a rating or score that is not finite.
 */
export function ratingChanges(standings: readonly Standing[]): Map<string, RatingChange> {
  const seen = new Set<string>();
  for (const s of standings) {
    if (seen.has(s.playerId)) throw new RangeError(`duplicate player in standings: ${s.playerId}`);
    seen.add(s.playerId);
    if (!Number.isFinite(s.rating)) throw new RangeError(`rating of ${s.playerId} is not finite`);
    if (!Number.isFinite(s.score)) throw new RangeError(`score of ${s.playerId} is not finite`);
  }

  const n = standings.length;
  const weight = n > 1 ? RATING_K / (n - 1) : 0;
  const changes = new Map<string, RatingChange>();
  for (const me of standings) {
    let surprise = 0;
    for (const other of standings) {
      if (other === me) continue;
      const actual = me.score > other.score ? 1 : me.score < other.score ? 0 : 0.5;
      surprise += actual - expectedScore(me.rating, other.rating);
    }
    changes.set(me.playerId, { before: me.rating, after: me.rating + roundSymmetric(weight * surprise) });
  }
  return changes;
}
