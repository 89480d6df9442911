/**
 * What the bot runner prints: the one-line progress and the closing summary table. Pure text
 * formatting, so the layout is tested without a server.
 */
import type { Bot } from "./bot.ts";
import { median, type SwarmProgress } from "./swarm.ts";

/** One progress line, e.g. `[  12s/60s] connected 8/8  kills 14  deaths 13  reconnects 0  ping p50 4 ms`. */
export function formatProgress(p: SwarmProgress, elapsedS: number, durationS: number): string {
  const total = String(Math.round(durationS));
  const elapsed = String(Math.min(Math.round(elapsedS), Math.round(durationS))).padStart(total.length);
  const ping = p.medianPing === null ? "-" : `${Math.round(p.medianPing)} ms`;
  const failed = p.joinsFailed > 0 ? `  joins failed ${p.joinsFailed}` : "";
  return (
    `[${elapsed}s/${total}s] connected ${p.connected}/${p.target}  kills ${p.kills}  deaths ${p.deaths}` +
    `  reconnects ${p.reconnects}${failed}  ping p50 ${ping}`
  );
}

/** Rows shown one per bot in the summary; beyond this only the totals are printed. */
const MAX_ROWS = 64;

/** The closing table: one row per bot (up to a limit) and a totals row. */
export function formatSummary(bots: readonly Bot[], p: SwarmProgress, elapsedS: number): string {
  const header = ["bot", "state", "joins", "kills", "deaths", "shots", "reconn", "failed", "close", "ping"];
  const rows = bots.slice(0, MAX_ROWS).map((b) => {
    const s = b.stats;
    return [
      b.name,
      b.state,
      String(s.joins),
      String(s.kills),
      String(s.deaths),
      String(s.shots),
      String(s.reconnects),
      String(s.joinsFailed),
      s.lastCloseCode === null ? "-" : String(s.lastCloseCode),
      s.ping === null ? "-" : `${s.ping} ms`,
    ];
  });
  const joins = bots.reduce((n, b) => n + b.stats.joins, 0);
  // The swarm's median covers seated bots; after the run none is, so take every bot's last.
  const ping = median(bots.flatMap((b) => (b.stats.ping === null ? [] : [b.stats.ping])));
  const totals = [
    `total (${bots.length})`,
    `${p.everConnected} joined`,
    String(joins),
    String(p.kills),
    String(p.deaths),
    String(p.shots),
    String(p.reconnects),
    String(p.joinsFailed),
    "",
    ping === null ? "-" : `p50 ${Math.round(ping)} ms`,
  ];
  const table = [header, ...rows, totals];
  const widths = header.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  const line = (r: readonly string[]): string =>
    r
      .map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  const out = [`Summary after ${elapsedS.toFixed(1)} s`, line(header), rule, ...rows.map(line)];
  if (bots.length > MAX_ROWS) out.push(`... ${bots.length - MAX_ROWS} more bots`);
  out.push(rule, line(totals));
  return out.join("\n");
}
