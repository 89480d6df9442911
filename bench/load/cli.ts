/**
 * `npm run loadtest -- --url http://127.0.0.1:2567 --ccu 500 --rate 100 --hold 30`: load any
 * running Tick Arena (or JSON baseline) server. Ramps up at a join rate, holds, ramps down,
 * prints per-phase figures and writes a JSON file and an HTML report with plots.
 *
 * Only loopback targets unless `--allow-remote` is given: a load test is never pointed at a
 * server by accident.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_TICK_RATE } from "../../shared/constants.ts";
import { baselineLightClient } from "../light/baseline-light-client.ts";
import { createColyseusLightClientFactory } from "../light/colyseus-light-client.ts";
import { fetchGuestTokens, tokenFor } from "../light/guest-tokens.ts";
import { LoadRun, type PhaseStats } from "./loadtest.ts";
import { ProbeClient } from "./probe-client.ts";
import { serverSampler } from "./server-sampler.ts";
import { lineChart } from "./svg-chart.ts";

const argsSchema = z.object({
  url: z.url(),
  ccu: z.coerce.number().int().min(1).max(20_000),
  rate: z.coerce.number().positive().max(5000).default(100),
  hold: z.coerce.number().positive().max(3600).default(30),
  probes: z.coerce.number().int().min(0).max(200).default(8),
  target: z.enum(["tick-arena", "baseline"]).default("tick-arena"),
  pid: z.coerce.number().int().positive().optional(),
  out: z.string().default("bench/results"),
  "allow-remote": z.boolean().default(false),
});

function parse(argv: string[]): z.infer<typeof argsSchema> {
  const raw: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("--")) throw new Error(`unexpected argument ${a}`);
    const key = a.slice(2);
    const next = argv[i + 1];
    if (key === "allow-remote") raw[key] = true;
    else if (next === undefined) throw new Error(`--${key} needs a value`);
    else {
      raw[key] = next;
      i++;
    }
  }
  const parsed = argsSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("\n"));
  return parsed.data;
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}

function phaseLine(p: PhaseStats): string {
  const f = (v: number): string => v.toFixed(1);
  const drops =
    Object.entries(p.disconnectsByCode)
      .map(([c, n]) => `${c}×${n}`)
      .join(",") || "none";
  return [
    p.name.padEnd(9),
    `${p.seconds.toFixed(1)}s`.padStart(7),
    `ccu ${p.ccuStart}→${p.ccuEnd}`.padEnd(15),
    `joins ${p.joinsOk} ok/${p.joinsFailed} failed`.padEnd(24),
    `seat p50/p95/p99 ${f(p.timeToSeatMs.p50)}/${f(p.timeToSeatMs.p95)}/${f(p.timeToSeatMs.p99)} ms`.padEnd(36),
    `patch p50/p99/max ${f(p.patchIntervalMs.p50)}/${f(p.patchIntervalMs.p99)}/${f(p.patchIntervalMs.max)} ms`.padEnd(
      38,
    ),
    `ack p50/p99 ${f(p.inputAckMs.p50)}/${f(p.inputAckMs.p99)} ms`.padEnd(26),
    `down ${(p.bytesDownPerClientPerSec / 1024).toFixed(2)} KB/s up ${(p.bytesUpPerClientPerSec / 1024).toFixed(2)} KB/s`,
    `cpu ${p.serverCpuPercent === null ? "–" : `${p.serverCpuPercent.toFixed(0)}%`}`,
    `drops ${drops}`,
  ].join("  ");
}

async function main(): Promise<void> {
  let args: z.infer<typeof argsSchema>;
  try {
    args = parse(process.argv.slice(2));
    if (!isLoopback(args.url) && !args["allow-remote"])
      throw new Error(`${args.url} is not a loopback address (pass --allow-remote to load a remote server)`);
  } catch (error) {
    console.error(`loadtest: ${error instanceof Error ? error.message : String(error)}`);
    console.error(
      "usage: npm run loadtest -- --url URL --ccu N [--rate joins/s] [--hold s] [--probes n] [--target tick-arena|baseline] [--pid server-pid] [--out dir]",
    );
    process.exit(2);
  }
  const url = args.url.replace(/\/+$/, "");
  const arena = args.target === "tick-arena";
  // Every Tick Arena join needs a guest token: one per client (its own player id), fetched here,
  // before the run measures anything (a browser gets its token at the menu, not while joining).
  // Joins beyond --ccu (after a failed join) reuse them round-robin.
  let tokens: string[] = [];
  if (arena) {
    console.log(`fetching ${args.ccu} guest tokens from ${url}/auth/guest`);
    try {
      tokens = await fetchGuestTokens(url, args.ccu);
    } catch (error) {
      console.error(`loadtest: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
  }
  const run = new LoadRun({
    url,
    light: arena ? createColyseusLightClientFactory({ tokens }) : baselineLightClient,
    probe: arena ? (u, i) => new ProbeClient(u, `Probe ${i}`, tokenFor(tokens, i)) : null,
    probes: arena ? args.probes : 0,
    inputRate: DEFAULT_TICK_RATE,
    patchSampleEvery: 20,
    sampleServer: serverSampler(args.pid ?? null, arena ? `${url}/metrics.json` : null),
    log: (line) => console.log(line),
  });
  let interrupted = false;
  process.once("SIGINT", () => {
    interrupted = true;
    console.log("interrupted: ramping down");
  });
  run.start();
  try {
    await run.rampTo(args.ccu, args.rate);
    if (run.ccu === 0) console.error("loadtest: no client could join; not holding");
    else if (!interrupted) await run.hold(args.hold);
    await run.rampDown(0, args.rate);
  } finally {
    await run.stop();
  }
  console.log("\nphase      length  clients");
  for (const p of run.phases) console.log(phaseLine(p));
  const startedAt = new Date().toISOString();
  const dir = path.resolve(args.out);
  mkdirSync(dir, { recursive: true });
  const stem = path.join(dir, `loadtest-${startedAt.replace(/[:.]/g, "-")}`);
  const mode = arena ? `light clients + ${args.probes} full SDK probes` : "light clients (JSON baseline protocol)";
  writeFileSync(
    `${stem}.json`,
    JSON.stringify({ startedAt, args, mode, phases: run.phases, timeline: run.timeline }, null, 2),
  );
  const charts = [
    lineChart({
      title: "Connected clients",
      xLabel: "s",
      yLabel: "CCU",
      series: [{ name: "CCU", color: "#07c", points: run.timeline.map((t) => [t.t, t.ccu]) }],
    }),
    lineChart({
      title: "Patch inter-arrival p99 per second",
      xLabel: "s",
      yLabel: "ms",
      series: [{ name: "patch p99", color: "#0a7", points: run.timeline.map((t) => [t.t, t.patchP99Ms]) }],
    }),
    lineChart({
      title: "Server CPU",
      xLabel: "s",
      yLabel: "% of a core",
      series: [
        {
          name: "cpu",
          color: "#c70",
          points: run.timeline.flatMap((t) => (t.cpuPercent === null ? [] : [[t.t, t.cpuPercent] as const])),
        },
      ],
    }),
  ];
  const esc = (s: string): string => s.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`);
  writeFileSync(
    `${stem}.html`,
    `<!doctype html><meta charset="utf-8"><title>Load test ${esc(startedAt)}</title><body style="font-family:sans-serif;max-width:1100px;margin:2em auto">` +
      `<h1>Load test</h1><p>${esc(url)} · ${esc(mode)} · ${esc(startedAt)}</p><pre>${esc(run.phases.map(phaseLine).join("\n"))}</pre>${charts.join("")}</body>`,
  );
  console.log(`\nWrote ${stem}.json and ${stem}.html (mode: ${mode})`);
  const failedAll = run.phases.every((p) => p.joinsOk === 0);
  process.exit(failedAll ? 1 : 0);
}

await main();
