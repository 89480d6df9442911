/**
 * A client process of `npm run bench:cluster`: the players that measure a cluster, answering the
 * parent's calls over IPC (client-protocol.ts). The parent starts it with the cluster's
 * certificate in `NODE_EXTRA_CA_CERTS`, so `fetch`, the bare `wss://` sockets and the SDK bots
 * all verify nginx's TLS as a browser would. Everything it prints goes to stderr.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { BotSwarm } from "../../bots/swarm.ts";
import { DEFAULT_TICK_RATE } from "../../shared/constants.ts";
import { fetchGuestTokens, tokenFor } from "../light/guest-tokens.ts";
import { ExactHistogram } from "../load/exact-histogram.ts";
import { LoadRun } from "../load/loadtest.ts";
import { ClusterLightClient, JoinError } from "./cluster-client.ts";
import type {
  ClientMethods,
  ClientReply,
  ClientRequest,
  HoldResult,
  MethodName,
  SeatRecord,
  SeatRunResult,
} from "./client-protocol.ts";

if (process.send === undefined) {
  console.error("bench/cluster/client-process.ts is started by bench/cluster/cli.ts over IPC");
  process.exit(2);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// The SDK bots' notices (a message type the session does not handle, prediction frame order,
// no automatic reconnection into a young room) repeat for every bot: each distinct line is
// printed once (to stderr, like everything here).
const printed = new Set<string>();
for (const level of ["log", "info", "warn", "error"] as const) {
  console[level] = (...args: unknown[]): void => {
    const text = args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(" ");
    if (printed.has(text)) return;
    printed.add(text);
    process.stderr.write(`[bench:cluster client, each line once] ${text}\n`);
  };
}

/** Resolution of the event-loop monitors, ms; the delay beyond it is lag. */
const LAG_RESOLUTION_MS = 5;

let tokens: string[] = [];
const seatClients: ClusterLightClient[] = [];
let run: LoadRun | null = null;
let runUrl = "";
/** Clients the load run made, and the per-process patch histograms of the tapped ones. */
const made: ClusterLightClient[] = [];
const patchByProcess = new Map<string, { h: ExactHistogram; tapped: Set<ClusterLightClient> }>();
let holding = false;
let swarm: BotSwarm | null = null;

/** Joins `count` clients at `rate`/s with tokens from `tokenOffset`; resolves when all settled. */
async function joinAtRate(
  url: string,
  count: number,
  rate: number,
  tokenOffset: number,
): Promise<{ clients: ClusterLightClient[]; failed: number }> {
  const clients: ClusterLightClient[] = [];
  const joins: Promise<boolean>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < count;) {
    const due = Math.min(count, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
    for (; i < due; i++) {
      const c = new ClusterLightClient(url, i, { token: tokenFor(tokens, tokenOffset + i)!, name: `Warm ${i}` });
      clients.push(c);
      joins.push(
        c.connect().then(
          () => true,
          () => false,
        ),
      );
    }
    await sleep(5);
  }
  const ok = await Promise.all(joins);
  return { clients, failed: ok.filter((x) => !x).length };
}

async function seatRun(p: ClientMethods["seat.run"]["params"]): Promise<SeatRunResult> {
  if (tokens.length < p.count) throw new Error(`${p.count} arrivals need ${p.count} tokens, have ${tokens.length}`);
  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  lag.enable();
  const cpu0 = process.cpuUsage();
  const interval = 1000 / p.rate;
  // The schedule is fixed before the first arrival: arrival i is due at t0 + i / rate whatever
  // happened to the earlier ones (open loop). A late start is measured, and counted in the time
  // to seat, which runs from the scheduled arrival.
  const t0 = performance.now() + 20;
  const records = new Array<SeatRecord>(p.count);
  const joins: Promise<void>[] = [];
  let next = 0;
  while (next < p.count) {
    const now = performance.now();
    while (next < p.count && t0 + next * interval <= now) {
      const i = next++;
      const scheduled = t0 + i * interval;
      const c = new ClusterLightClient(p.url, i, {
        token: tokens[i]!,
        name: `Seat ${i}`,
        connectTimeoutMs: p.connectTimeoutMs,
      });
      seatClients.push(c);
      const startedAt = performance.now();
      const since = (t: number | null): number | null => (t === null ? null : t - scheduled);
      const record = (failure: JoinError | Error | null): void => {
        const t = c.timings;
        records[i] = {
          scheduledMs: scheduled - t0,
          lateMs: startedAt - scheduled,
          reservationMs: since(t.reservation),
          secureMs: since(t.secure),
          openMs: since(t.open),
          joinRoomMs: since(t.joinRoom),
          stateMs: since(t.state),
          failure: failure === null ? null : failure instanceof JoinError ? failure.kind : "other",
          failureDetail: failure === null ? null : failure.message.slice(0, 160),
          roomId: c.roomId,
          processId: c.processId,
        };
      };
      joins.push(
        c.connect().then(
          () => record(null),
          (e: unknown) => record(e instanceof Error ? e : new Error(String(e))),
        ),
      );
    }
    await sleep(1);
  }
  await Promise.all(joins);
  const durationMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  let framesIn = 0;
  let bytesIn = 0;
  for (const c of seatClients) {
    framesIn += c.counters.framesIn;
    bytesIn += c.counters.bytesIn;
  }
  lag.disable();
  const lagOf = (ns: number): number => (Number.isFinite(ns) ? Math.max(0, ns / 1e6 - LAG_RESOLUTION_MS) : 0);
  return {
    records,
    lagMs: { p50: lagOf(lag.percentile(50)), p99: lagOf(lag.percentile(99)), max: lagOf(lag.max) },
    cpuPercent: ((cpu.user + cpu.system) / 1000 / durationMs) * 100,
    durationMs,
    framesIn,
    bytesIn,
  };
}

/** Records patch gaps of `c` into its process's histogram while a hold runs. */
function tap(c: ClusterLightClient): void {
  let last = -1;
  c.patchTap = (now) => {
    if (holding && last >= 0 && c.processId !== null) {
      let entry = patchByProcess.get(c.processId);
      if (entry === undefined) {
        entry = { h: new ExactHistogram(), tapped: new Set() };
        patchByProcess.set(c.processId, entry);
      }
      entry.h.record(now - last);
      entry.tapped.add(c);
    }
    last = now;
  };
}

async function hold(seconds: number): Promise<HoldResult> {
  if (run === null) throw new Error("load.init first");
  patchByProcess.clear();
  holding = true;
  let phase;
  try {
    phase = await run.hold(seconds);
  } finally {
    holding = false;
  }
  const clientsOn = new Map<string, number>();
  for (const c of made) {
    if (c.isSeated && c.processId !== null) clientsOn.set(c.processId, (clientsOn.get(c.processId) ?? 0) + 1);
  }
  const byProcess: HoldResult["byProcess"] = {};
  for (const id of new Set([...clientsOn.keys(), ...patchByProcess.keys()])) {
    const entry = patchByProcess.get(id);
    byProcess[id] = {
      patchMs: entry === undefined ? new ExactHistogram().summary() : entry.h.summary(),
      tapped: entry?.tapped.size ?? 0,
      clients: clientsOn.get(id) ?? 0,
    };
  }
  return { phase, byProcess };
}

type Handlers = { [M in MethodName]: (params: ClientMethods[M]["params"]) => Promise<ClientMethods[M]["result"]> };

const handlers: Handlers = {
  async tokens({ url, count }) {
    tokens = await fetchGuestTokens(url, count, { concurrency: 16 });
    return tokens.length;
  },
  async "seat.warmup"({ url, count, rate }) {
    // Tokens after the run's own: no player id is seated twice.
    const { clients, failed } = await joinAtRate(url, count, rate, tokens.length - count);
    await Promise.all(clients.map((c) => c.close()));
    return { ok: count - failed, failed };
  },
  "seat.run": seatRun,
  async "seat.release"() {
    await Promise.all(seatClients.splice(0).map((c) => c.close()));
    return null;
  },
  async "load.init"({ url, role, tokens: count, inputRate, tapEvery }) {
    tokens = await fetchGuestTokens(url, count, { concurrency: 16 });
    runUrl = url;
    const prefix = role === "probe" ? "Probe " : "L";
    run = new LoadRun({
      url,
      light: (baseUrl, index) => {
        const c = new ClusterLightClient(baseUrl, index, {
          token: tokenFor(tokens, index)!,
          name: `${prefix}${index}`.slice(0, 16),
        });
        made.push(c);
        if (index % Math.max(1, tapEvery) === 0) tap(c);
        return c;
      },
      probe: null,
      probes: 0,
      inputRate: inputRate || DEFAULT_TICK_RATE,
      // The load run's own patch histogram takes the same clients as the taps.
      patchSampleEvery: Math.max(1, tapEvery),
      sampleServer: null,
      log: () => undefined,
    });
    run.start();
    return null;
  },
  async "load.ramp"({ target, rate }) {
    if (run === null) throw new Error("load.init first");
    // One token per player: fetch the ones this step needs before its ramp starts.
    if (tokens.length < target) tokens.push(...(await fetchGuestTokens(runUrl, target - tokens.length)));
    return run.rampTo(target, rate);
  },
  "load.hold": ({ seconds }) => hold(seconds),
  async "load.stop"() {
    await run?.stop();
    run = null;
    return null;
  },
  async "bots.start"({ url, count, seed, staggerMs }) {
    swarm = new BotSwarm({ url, count, seed, namePrefix: "Kill", staggerMs });
    await swarm.start();
    return { connected: swarm.progress().connected };
  },
  async "bots.state"() {
    return (swarm?.bots ?? []).map((b) => ({
      name: b.name,
      roomId: b.roomId,
      connected: b.connected,
      joins: b.stats.joins,
    }));
  },
  async "bots.stop"() {
    await swarm?.stop(3000);
    swarm = null;
    return null;
  },
};

process.on("message", (request: ClientRequest) => {
  const handler = handlers[request.method] as (params: unknown) => Promise<unknown>;
  handler(request.params).then(
    (result) => process.send?.({ id: request.id, ok: true, result } satisfies ClientReply),
    (error: unknown) =>
      process.send?.({
        id: request.id,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      } satisfies ClientReply),
  );
});
// The parent went away: nothing left to measure for.
process.on("disconnect", () => process.exit(0));
