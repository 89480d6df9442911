/**
 * CPU over a window, from /proc: of single processes (the game servers, a client process), of a
 * process with its children (nginx's master and workers), and of the whole machine. The cluster
 * benchmark reads these before and after each measured window.
 */
import { readdir, readFile } from "node:fs/promises";
import os from "node:os";
import { readProcStat } from "../load/server-sampler.ts";

/** Pids whose parent is `pid`. */
export async function childPids(pid: number): Promise<number[]> {
  const out: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => null);
    if (stat === null) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (ppid === pid) out.push(Number(entry));
  }
  return out;
}

/** CPU seconds of each pid so far (a vanished pid counts as null). */
async function cpuSeconds(pids: readonly number[]): Promise<(number | null)[]> {
  return Promise.all(
    pids.map((p) =>
      readProcStat(p).then(
        (s) => s.cpuSeconds,
        () => null,
      ),
    ),
  );
}

/** Busy and total ticks of the whole machine (all cores), from the first line of /proc/stat. */
async function machineTicks(): Promise<{ busy: number; total: number }> {
  const line = (await readFile("/proc/stat", "utf8")).split("\n")[0]!;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busy, total: busy + idle! + iowait! };
}

/** Named groups of pids to measure over one window. */
export type CpuGroups = Record<string, readonly number[]>;

/** CPU % of one core per group over the window, and how busy the machine was (% of all cores). */
export interface CpuWindow {
  readonly percent: Record<string, number>;
  readonly machinePercent: number;
  readonly cores: number;
  /** What the machine did beyond the groups, % of one core: other work sharing the cores. */
  readonly otherPercent: number;
}

/** Starts a window; `end()` returns each group's CPU % of one core and the machine's. */
export async function cpuWindow(groups: CpuGroups): Promise<{ end(): Promise<CpuWindow> }> {
  const names = Object.keys(groups);
  const before = await Promise.all(names.map((n) => cpuSeconds(groups[n]!)));
  const m0 = await machineTicks();
  const t0 = performance.now();
  return {
    async end() {
      const after = await Promise.all(names.map((n) => cpuSeconds(groups[n]!)));
      const m1 = await machineTicks();
      const seconds = (performance.now() - t0) / 1000;
      const percent: Record<string, number> = {};
      names.forEach((n, g) => {
        let used = 0;
        after[g]!.forEach((a, i) => {
          const b = before[g]![i];
          if (a !== null && b !== null && b !== undefined) used += a - b;
        });
        percent[n] = (used / seconds) * 100;
      });
      const total = m1.total - m0.total;
      const machinePercent = total > 0 ? ((m1.busy - m0.busy) / total) * 100 : 0;
      const cores = os.cpus().length;
      const ours = Object.values(percent).reduce((a, b) => a + b, 0);
      return { percent, machinePercent, cores, otherPercent: Math.max(0, machinePercent * cores - ours) };
    },
  };
}
