/**
 * Renders a benchmark result: a plain-text table for the terminal and a self-contained HTML
 * page with SVG plots (patch interval and CPU over time, percentiles against CCU).
 */
import type { BenchResult, ServerRun, StepResult } from "./run.ts";
import { lineChart } from "./load/svg-chart.ts";

const kb = (bytes: number | null | undefined): string => (bytes == null ? "–" : `${(bytes / 1024).toFixed(2)}`);
const ms = (v: number | null | undefined, digits = 1): string => (v == null ? "–" : v.toFixed(digits));
const pct = (v: number | null | undefined): string => (v == null ? "–" : `${v.toFixed(0)}%`);
const ratio = (v: number | null): string => (v == null ? "–" : `${v.toFixed(1)}×`);

/** "N× less CPU per client" or "N× more", from baseline CPU / Tick Arena CPU per client. */
function cpuWords(r: number | null): string {
  if (r === null) return "CPU per client not measured";
  return r >= 1
    ? `${r.toFixed(1)}× less CPU per client`
    : `${(1 / r).toFixed(1)}× more CPU per client than the baseline`;
}

interface Row {
  readonly cells: string[];
}

function stepRows(run: ServerRun): Row[] {
  return run.steps.map((s: StepResult) => ({
    cells: [
      run.name,
      String(s.target),
      String(s.ccu),
      ms(s.server?.tickMs.p99, 2),
      ms(s.hold.patchIntervalMs.p50),
      ms(s.hold.patchIntervalMs.p99),
      ms(s.hold.patchIntervalMs.max),
      ms(s.hold.inputAckMs.count > 0 ? s.hold.inputAckMs.p50 : null),
      ms(s.hold.inputAckMs.count > 0 ? s.hold.inputAckMs.p99 : null),
      ms(s.rampUp.timeToSeatMs.p95, 0),
      kb(s.hold.bytesDownPerClientPerSec),
      kb(s.hold.bytesUpPerClientPerSec),
      pct(s.cpuPercent),
      s.rssBytes == null ? "–" : `${Math.round(s.rssBytes / 2 ** 20)}`,
      s.pass ? "pass" : "FAIL",
    ],
  }));
}

const HEADERS = [
  "server",
  "target",
  "ccu",
  "tick p99 ms",
  "patch p50",
  "patch p99",
  "patch max",
  "ack p50",
  "ack p99",
  "seat p95",
  "KB/s down",
  "KB/s up",
  "cpu",
  "RSS MB",
  "result",
];

/** The table printed at the end of `npm run bench`. */
export function renderConsoleTable(r: BenchResult): string {
  const rows = [...stepRows(r.tickArena), ...stepRows(r.baseline)].map((x) => x.cells);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join("  ");
  const s = r.summary;
  return [
    "",
    line(HEADERS),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
    `Limits: tick p99 ≤ ${r.limits.tickP99LimitMs.toFixed(2)} ms (25% of ${r.limits.tickBudgetMs.toFixed(1)} ms), patch p99 ≤ ${r.limits.patchP99LimitMs} ms (1.5× ${r.limits.patchIntervalMs} ms)`,
    `Capacity: ${s.capacityCcu} CCU per server process (one core)`,
    `Time to seat p95 at ${r.settings.joinRate} joins/s: ${ms(s.seatP95At500, 0)} ms`,
    `Down per client at capacity: ${kb(s.bytesDownPerClientPerSec)} KB/s; memory per client: ${s.memoryPerClientBytes == null ? "–" : `${(s.memoryPerClientBytes / 1024).toFixed(1)} KB`}`,
    `Against the JSON full-state baseline at ${s.comparedAtCcu ?? "–"} CCU: ${ratio(s.bytesDownRatio)} fewer bytes down per client; ${cpuWords(s.cpuPerClientRatio)}`,
  ].join("\n");
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The report's plots as standalone SVG documents, by file-name suffix. */
export function renderCharts(r: BenchResult): Record<string, string> {
  const ta = r.tickArena;
  const bl = r.baseline;
  const timeline = lineChart({
    title: "Patch inter-arrival p99 per second (Tick Arena)",
    xLabel: "seconds",
    yLabel: "ms",
    series: [{ name: "patch p99 (ms)", color: "#0a7", points: ta.timeline.map((p) => [p.t, p.patchP99Ms]) }],
    limits: [{ label: `limit ${r.limits.patchP99LimitMs} ms`, y: r.limits.patchP99LimitMs, color: "#c33" }],
  });
  const ccu = lineChart({
    title: "Connected clients over time",
    xLabel: "seconds",
    yLabel: "CCU",
    series: [
      { name: "Tick Arena", color: "#0a7", points: ta.timeline.map((p) => [p.t, p.ccu]) },
      { name: "JSON baseline", color: "#c70", points: bl.timeline.map((p) => [p.t, p.ccu]) },
    ],
  });
  const cpu = lineChart({
    title: "Server CPU (% of one core) over time",
    xLabel: "seconds",
    yLabel: "% CPU",
    series: [
      {
        name: "Tick Arena",
        color: "#0a7",
        points: ta.timeline.flatMap((p) => (p.cpuPercent === null ? [] : [[p.t, p.cpuPercent] as const])),
      },
      {
        name: "JSON baseline",
        color: "#c70",
        points: bl.timeline.flatMap((p) => (p.cpuPercent === null ? [] : [[p.t, p.cpuPercent] as const])),
      },
    ],
  });
  const byCcu = lineChart({
    title: "Percentiles against CCU (hold phase of each step)",
    xLabel: "CCU",
    yLabel: "ms",
    series: [
      { name: "Tick Arena patch p99", color: "#0a7", points: ta.steps.map((s) => [s.ccu, s.hold.patchIntervalMs.p99]) },
      {
        name: "Tick Arena tick p99",
        color: "#07c",
        points: ta.steps.flatMap((s) => (s.server ? [[s.ccu, s.server.tickMs.p99] as const] : [])),
      },
      { name: "baseline patch p99", color: "#c70", points: bl.steps.map((s) => [s.ccu, s.hold.patchIntervalMs.p99]) },
    ],
    limits: [
      { label: "patch limit", y: r.limits.patchP99LimitMs, color: "#c33" },
      { label: "tick limit", y: r.limits.tickP99LimitMs, color: "#36c" },
    ],
  });
  return { "by-ccu": byCcu, "patch-timeline": timeline, "cpu-timeline": cpu, "ccu-timeline": ccu };
}

/** The HTML report: tables and plots, no external assets. */
export function renderHtml(r: BenchResult): string {
  const ta = r.tickArena;
  const bl = r.baseline;
  const charts = renderCharts(r);
  const table = (run: ServerRun): string =>
    `<h3>${esc(run.name)}</h3><p>Mode: ${esc(run.mode)}. Idle RSS ${Math.round(run.idleRssBytes / 2 ** 20)} MB.</p>` +
    `<table><tr>${HEADERS.map((h) => `<th>${esc(h)}</th>`).join("")}</tr>` +
    stepRows(run)
      .map((row) => `<tr>${row.cells.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`)
      .join("") +
    `</table>` +
    run.steps
      .filter((s) => !s.pass)
      .map((s) => `<p class="fail">Step ${s.target}: ${esc(s.why.join("; "))}</p>`)
      .join("");
  return `<!doctype html><html><head><meta charset="utf-8"><title>Tick Arena benchmark ${esc(r.startedAt)}</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}table{border-collapse:collapse;font-size:13px}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}th{background:#f4f4f4}.fail{color:#b00}pre{background:#f7f7f7;padding:1em}</style>
</head><body><h1>Tick Arena benchmark</h1>
<p>${esc(r.startedAt)} · ${esc(r.machine.cpus)} · ${r.machine.cores} cores · ${r.machine.memGiB} GiB · Node ${esc(r.machine.node)} · server and load ${r.machine.pinned ? "pinned to separate cores" : "not pinned"}${r.settings.ci ? " · CI variant" : ""}</p>
<pre>${esc(renderConsoleTable(r))}</pre>
${table(ta)}${table(bl)}
<h2>Plots</h2>${Object.values(charts).join("\n")}
<p>Patch inter-arrival comes from one in 20 light clients plus the full probes; input-to-ack latency from the probes only; bytes per client from the light clients' payload counters (WebSocket framing excluded).</p>
</body></html>`;
}
