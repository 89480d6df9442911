/**
 * Renders a benchmark result: a plain-text table for the terminal (every step of every server:
 * CCU, CPU, probe p99, tick p99, µs per message, verdict, each a median with its min–max spread
 * when there were several runs) and a self-contained HTML page with the same table and SVG plots
 * (percentiles and CPU against CCU for the three servers, probe patch p99 per second at capacity).
 */
import type { BenchResult } from "./run.ts";
import { lineChart, type Series } from "./load/svg-chart.ts";
import type { ServerKind } from "./load/worker-protocol.ts";
import type { ServerResult, Spread, StepSummary } from "./verdict.ts";

const COLORS: Record<ServerKind, string> = {
  "tick-arena": "#0a7",
  "json-baseline": "#c70",
  "ws-reference": "#57c",
};

/** "12.3" or "12.3 [11.0–14.2]" when the runs differ. */
function fmt(s: Spread | null, digits: number, scale = 1): string {
  if (s === null) return "–";
  const v = (x: number): string => (x * scale).toFixed(digits);
  return s.min === s.max ? v(s.median) : `${v(s.median)} [${v(s.min)}–${v(s.max)}]`;
}

const HEADERS = [
  "server",
  "step",
  "ccu",
  "cpu %",
  "probe p99 ms",
  "tick p99 ms",
  "µs/msg",
  "KB/s down",
  "KB/client",
  "lag load/probe ms",
  "runs p/f/i",
  "verdict",
];

function stepCells(server: ServerResult, s: StepSummary): string[] {
  return [
    server.kind,
    String(s.target),
    fmt(s.ccu, 0),
    fmt(s.cpuPercent, 0),
    fmt(s.probeP99Ms, 1),
    fmt(s.tickP99Ms, 2),
    fmt(s.serverUsPerMessage, 1),
    fmt(s.bytesDownPerClientPerSec, 2, 1 / 1024),
    fmt(s.memoryPerClientBytes, 0, 1 / 1024),
    `${s.loadLagP99Ms.max.toFixed(1)}/${s.probeLagP99Ms.max.toFixed(1)}`,
    `${s.votes.pass}/${s.votes.fail}/${s.votes.invalid}${s.discarded.length > 0 ? ` +${s.discarded.length} re-run` : ""}`,
    s.verdict === "pass" ? "pass" : s.verdict === "fail" ? "FAIL" : "INVALID",
  ];
}

function rows(r: BenchResult): string[][] {
  return Object.values(r.servers).flatMap((server) => server.steps.map((s) => stepCells(server, s)));
}

const num = (v: number | null, digits: number, unit = ""): string => (v === null ? "–" : `${v.toFixed(digits)}${unit}`);

/** The summary lines under the table. */
function summaryLines(r: BenchResult): string[] {
  const s = r.summary;
  const l = r.limits;
  const ref = r.servers["ws-reference"];
  return [
    `Rule: server CPU < ${l.cpuPercentLimit} % of its core, probe p99 patch inter-arrival < ${l.patchP99LimitMs} ms, tick p99 ≤ ${l.tickP99LimitMs.toFixed(2)} ms (25 % of ${l.tickBudgetMs.toFixed(1)} ms), no failed joins or disconnects; a run is invalid (re-run once) when a client process lagged (event-loop p99 > ${l.clientLagP99LimitMs} ms), or when it failed while the server's core was > ${l.serverCoreOtherLimitPercent} % busy with other work.`,
    `${r.settings.runs} run(s) per step on a fresh server; verdict = majority, figures = median [min–max]; capacity = largest step passed with every smaller step passed.`,
    `Capacity (CCU per core): tick-arena ${s.capacityCcu}, json-baseline ${s.baselineCcu ?? "–"}, ws-reference ${s.wsReferenceCcu ?? "–"}` +
      (ref?.patchBytes !== undefined ? ` (reference patch ${ref.patchBytes.bytes} B: ${ref.patchBytes.source})` : ""),
    `Fraction of the transport limit: ${num(s.fractionOfTransportLimit, 2)} (tick-arena ${s.capacityCcu} / ws-reference ${s.wsReferenceCcu ?? "–"}); against the JSON baseline: ${num(s.ratioToBaseline, 2, "×")}`,
    `Tick Arena at ${s.figuresAtCcu ?? "–"} CCU: ${num(s.bytesDownPerClientPerSec === null ? null : s.bytesDownPerClientPerSec / 1024, 2)} KB/s down per client, ` +
      `${num(s.memoryPerClientBytes === null ? null : s.memoryPerClientBytes / 1024, 1)} KB RSS per client, ${num(s.serverUsPerMessage, 1)} µs server CPU per message ` +
      `(ws-reference ${num(s.wsReferenceUsPerMessage, 1)}, json-baseline ${num(s.baselineUsPerMessage, 1)})`,
    `Against the JSON baseline at ${s.comparedAtCcu ?? "–"} CCU: ${num(s.bytesDownRatio, 1, "×")} fewer bytes down per client (baseline rounds positions to 0.1 px); baseline/Tick Arena CPU per client ${num(s.cpuPerClientRatio, 2)}`,
  ];
}

/** The table printed at the end of `npm run bench`. */
export function renderConsoleTable(r: BenchResult): string {
  const body = rows(r);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join("  ");
  return ["", line(HEADERS), line(widths.map((w) => "-".repeat(w))), ...body.map(line), "", ...summaryLines(r)].join(
    "\n",
  );
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The report's plots as standalone SVG documents, by file-name suffix. */
export function renderCharts(r: BenchResult): Record<string, string> {
  const servers = Object.values(r.servers);
  const byCcu = (pick: (s: StepSummary) => number | null, suffix = ""): Series[] =>
    servers.map((server) => ({
      name: `${server.kind}${suffix}`,
      color: COLORS[server.kind],
      points: server.steps.flatMap((s) => {
        const y = pick(s);
        return y === null ? [] : [[s.ccu.median, y] as const];
      }),
    }));
  const p99 = lineChart({
    title: "Probe p99 patch inter-arrival against CCU (median of runs)",
    xLabel: "CCU",
    yLabel: "ms",
    series: byCcu((s) => s.probeP99Ms.median),
    limits: [{ label: `limit ${r.limits.patchP99LimitMs} ms`, y: r.limits.patchP99LimitMs, color: "#c33" }],
  });
  const cpu = lineChart({
    title: "Server CPU against CCU (% of one core, median of runs)",
    xLabel: "CCU",
    yLabel: "% CPU",
    series: byCcu((s) => s.cpuPercent.median),
    limits: [{ label: `limit ${r.limits.cpuPercentLimit} %`, y: r.limits.cpuPercentLimit, color: "#c33" }],
  });
  const usPerMessage = lineChart({
    title: "Server CPU per WebSocket message against CCU",
    xLabel: "CCU",
    yLabel: "µs",
    series: byCcu((s) => s.serverUsPerMessage.median),
  });
  const tick = lineChart({
    title: "Server p99 tick duration against CCU",
    xLabel: "CCU",
    yLabel: "ms",
    series: byCcu((s) => s.tickP99Ms?.median ?? null),
    limits: [{ label: "tick limit", y: r.limits.tickP99LimitMs, color: "#36c" }],
  });
  // Per second at each server's capacity step (its first run): what the p99 is made of.
  const timeline = lineChart({
    title: "Probe patch p99 per second at each server's capacity step (first run)",
    xLabel: "seconds into the hold",
    yLabel: "ms",
    series: servers.map((server) => {
      const step = server.steps.find((s) => s.target === server.capacityCcu) ?? server.steps[0];
      return {
        name: `${server.kind} @ ${step?.target ?? "–"}`,
        color: COLORS[server.kind],
        points: (step?.runs[0]?.timeline ?? []).map((p) => [p.t, p.probePatchP99Ms] as const),
      };
    }),
    limits: [{ label: `limit ${r.limits.patchP99LimitMs} ms`, y: r.limits.patchP99LimitMs, color: "#c33" }],
  });
  return { "p99-by-ccu": p99, "cpu-by-ccu": cpu, "us-per-message": usPerMessage, "tick-by-ccu": tick, timeline };
}

/** The HTML report: table, reasons, plots; no external assets. */
export function renderHtml(r: BenchResult): string {
  const charts = renderCharts(r);
  const table =
    `<table><tr>${HEADERS.map((h) => `<th>${esc(h)}</th>`).join("")}</tr>` +
    rows(r)
      .map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`)
      .join("") +
    `</table>`;
  const reasons = Object.values(r.servers)
    .flatMap((server) =>
      server.steps.flatMap((s) =>
        [...s.discarded, ...s.runs]
          .filter((run) => run.verdict !== "pass")
          .map(
            (run) =>
              `<li>${esc(server.kind)} ${run.target} CCU run ${run.run}${run.attempt > 1 ? " (re-run)" : ""}: ${esc(
                run.verdict,
              )}: ${esc([...run.invalidWhy, ...run.why].join("; "))}</li>`,
          ),
      ),
    )
    .join("");
  const descriptions = Object.values(r.servers)
    .map((s) => `<li><b>${esc(s.kind)}</b>: ${esc(s.description)}</li>`)
    .join("");
  return `<!doctype html><html><head><meta charset="utf-8"><title>Tick Arena benchmark ${esc(r.startedAt)}</title>
<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;color:#222}table{border-collapse:collapse;font-size:13px}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}th{background:#f4f4f4}pre{background:#f7f7f7;padding:1em;white-space:pre-wrap}</style>
</head><body><h1>Tick Arena capacity benchmark</h1>
<p>${esc(r.startedAt)} · ${esc(r.machine.cpus)} · ${r.machine.cores} cores · ${r.machine.memGiB} GiB · Node ${esc(r.machine.node)} · servers and clients ${r.machine.pinned ? "pinned to separate cores" : "not pinned"}${r.settings.ci ? " · CI variant" : ""}</p>
<ul>${descriptions}</ul>
${table}
<pre>${esc(summaryLines(r).join("\n"))}</pre>
${reasons === "" ? "" : `<h2>Runs that did not pass</h2><ul>${reasons}</ul>`}
<h2>Plots</h2>${Object.values(charts).join("\n")}
<p>Patch inter-arrival: the probes only, in their own process (full SDK clients for Tick Arena, JSON-parsing clients for the baseline, the reference's own client); exact percentiles (perf_hooks histograms, integer µs). Bytes per client: the light clients' payload counters (WebSocket framing excluded). CPU and RSS: /proc of the server process over the hold. µs per message: server CPU ÷ (messages the clients sent + received).</p>
</body></html>`;
}
