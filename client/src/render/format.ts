/** Small pure helpers for what the HUD and the results screen show. */
import type { PlayerView } from "../net/types.ts";

/** Whole seconds as m:ss (negative values show as 0:00). */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, "0")}`;
}

/** Seconds from `tick` until `endTick` at `tickRate` (never negative). */
export function secondsUntil(endTick: number, tick: number, tickRate: number): number {
  if (!(tickRate > 0)) return 0;
  return Math.max(0, (endTick - tick) / tickRate);
}

/** Players ranked for the scoreboard: most kills first, then fewest deaths, then by name. */
export function rankPlayers<P extends Pick<PlayerView, "id" | "name" | "kills" | "deaths">>(
  players: readonly P[],
): P[] {
  return [...players].sort(
    (a, b) => b.kills - a.kills || a.deaths - b.deaths || a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
  );
}

/** A round-trip time for the HUD. */
export function formatPing(ping: number | null): string {
  return ping === null ? "— ms" : `${Math.round(ping)} ms`;
}

/** `text` split into what a reader sees as characters (an emoji family is one). */
function graphemes(text: string): string[] {
  if (typeof Intl !== "undefined" && "Segmenter" in Intl) {
    return [...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text)].map((g) => g.segment);
  }
  return [...text];
}

/**
 * `text` as is if `measure(text)` is at most `maxWidth`, else its longest start (whole
 * characters, trailing spaces dropped) that fits with "…" after it; just "…" if nothing does.
 * `measure` gives the drawn width of a string (a Phaser text, a canvas context...).
 */
export function ellipsize(text: string, maxWidth: number, measure: (text: string) => number): string {
  if (measure(text) <= maxWidth) return text;
  const chars = graphemes(text);
  // Binary search on the number of characters kept.
  let lo = 0;
  let hi = chars.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(`${chars.slice(0, mid).join("").trimEnd()}…`) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return `${chars.slice(0, lo).join("").trimEnd()}…`;
}

/**
 * A scoreboard name cell: the name, then "(you)" on your row, fitting `maxWidth` (the name is
 * shortened with "…", never the "(you)" mark, so the cell stops before the numbers).
 */
export function scoreboardName(
  name: string,
  self: boolean,
  maxWidth: number,
  measure: (text: string) => number,
): string {
  const cell = (n: string): string => (self ? `${n}  (you)` : n);
  return cell(ellipsize(name, maxWidth, (n) => measure(cell(n))));
}
