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
