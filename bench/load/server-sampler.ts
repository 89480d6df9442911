/**
 * Reads a server's CPU and memory once a second: from /proc for a process on this machine
 * (works for any server, the baseline included), and tick p99 from Tick Arena's GET /metrics.json.
 * Also how busy a whole core was (/proc/stat), so the benchmark can tell when something else
 * shared the server's core.
 */
import { readFile } from "node:fs/promises";
import type { MetricsSnapshot } from "../../server/metrics/server-metrics.ts";
import type { ServerSample } from "./loadtest.ts";

/** Linux clock ticks per second for /proc CPU times (USER_HZ, 100 on every mainstream build). */
const USER_HZ = 100;
const PAGE_BYTES = 4096;

/** CPU seconds used so far and resident bytes of process `pid`, from /proc/<pid>/stat. */
export async function readProcStat(pid: number): Promise<{ cpuSeconds: number; rssBytes: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const rssPages = Number(fields[21]);
  return { cpuSeconds: (utime + stime) / USER_HZ, rssBytes: rssPages * PAGE_BYTES };
}

/**
 * A sampler for the load tester. With a pid, CPU is the process's own usage between calls;
 * with a metrics URL, the tick p99 of the last second comes from the server (and so does CPU
 * when there is no pid).
 */
export function serverSampler(pid: number | null, metricsUrl: string | null): () => Promise<ServerSample | null> {
  let last: { cpuSeconds: number; at: number } | null = null;
  return async () => {
    let cpuPercent: number | null = null;
    let rssBytes: number | null = null;
    if (pid !== null) {
      const now = performance.now();
      const s = await readProcStat(pid);
      if (last !== null) cpuPercent = ((s.cpuSeconds - last.cpuSeconds) / ((now - last.at) / 1000)) * 100;
      last = { cpuSeconds: s.cpuSeconds, at: now };
      rssBytes = s.rssBytes;
    }
    let tickP99Ms: number | null = null;
    if (metricsUrl !== null) {
      const res = await fetch(`${metricsUrl}?window=1`, { signal: AbortSignal.timeout(900) });
      if (res.ok) {
        const m = (await res.json()) as MetricsSnapshot;
        tickP99Ms = m.tickMs.p99;
        cpuPercent ??= m.cpuPercent;
        rssBytes ??= m.rssBytes;
      }
    }
    if (cpuPercent === null || rssBytes === null) return null;
    return { cpuPercent, rssBytes, tickP99Ms };
  };
}

/** Busy and total clock ticks of one core so far, from /proc/stat (steal counts as busy). */
export async function readCoreStat(core: number): Promise<{ busyTicks: number; totalTicks: number }> {
  const stat = await readFile("/proc/stat", "utf8");
  const line = stat.split("\n").find((l) => l.startsWith(`cpu${core} `));
  if (line === undefined) throw new Error(`no cpu${core} in /proc/stat`);
  // user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user).
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busyTicks: busy, totalTicks: busy + idle! + iowait! };
}

/** Percent of one core a core was busy between two readings of {@link readCoreStat}. */
export function coreBusyPercent(
  a: { busyTicks: number; totalTicks: number },
  b: { busyTicks: number; totalTicks: number },
): number {
  const total = b.totalTicks - a.totalTicks;
  return total > 0 ? ((b.busyTicks - a.busyTicks) / total) * 100 : 0;
}
