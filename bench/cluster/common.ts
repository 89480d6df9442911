/** What the three parts of `npm run bench:cluster` share: the context, a cluster's lifetime, names. */
import { ClientProcess, type Running } from "./client-handle.ts";
import { startCluster, type Cluster } from "./cluster-process.ts";
import { childPids } from "./cpu.ts";

/** Handed to every part of the benchmark. */
export interface BenchContext {
  /** The certificate nginx serves (the client processes trust it through NODE_EXTRA_CA_CERTS). */
  readonly tls: { readonly cert: string; readonly key: string };
  readonly running: Running;
  /** Print the servers' output too. */
  readonly verbose: boolean;
  /** Progress line (stderr). */
  log(line: string): void;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a fresh cluster of `processes` game servers (with extra server environment `env`),
 * runs `fn`, and always stops it.
 */
export async function withCluster<T>(
  ctx: BenchContext,
  processes: number,
  fn: (cluster: Cluster) => Promise<T>,
  env?: Record<string, string>,
): Promise<T> {
  const started = performance.now();
  const cluster = await startCluster({
    processes,
    tls: ctx.tls,
    ...(env !== undefined ? { env } : {}),
    ...(ctx.verbose ? { onOutput: (line: string) => ctx.log(`  | ${line}`) } : {}),
  });
  ctx.running.addCluster(cluster);
  ctx.log(`  cluster of ${processes} up in ${((performance.now() - started) / 1000).toFixed(1)} s (${cluster.url})`);
  try {
    return await fn(cluster);
  } finally {
    await ctx.running.stopCluster(cluster);
  }
}

/** Starts a client process, runs `fn`, and always stops it. */
export async function withClients<T>(
  ctx: BenchContext,
  label: string,
  fn: (client: ClientProcess) => Promise<T>,
): Promise<T> {
  const client = ClientProcess.start(label, ctx.running);
  try {
    return await fn(client);
  } finally {
    await client.stop();
  }
}

/** Colyseus process id → the process's name (`node-1`, …), from the cluster's registry. */
export async function processNames(cluster: Cluster): Promise<Map<string, string>> {
  const health = await cluster.health();
  const names = new Map<string, string>();
  for (const p of health.processes) {
    const proc = cluster.processes.find((q) => p.publicAddress.endsWith(`/${q.name}`));
    names.set(p.processId, proc?.name ?? p.processId);
  }
  return names;
}

/**
 * The processes whose CPU a window reads: each game server by name, nginx (master and workers),
 * Redis, the supervisor (scripts/cluster.ts, which relays the servers' output), this process
 * and the given client processes. What the machine does beyond them is other work.
 */
export async function cpuGroups(
  cluster: Cluster,
  clients: Record<string, ClientProcess>,
): Promise<Record<string, number[]>> {
  const groups: Record<string, number[]> = {};
  for (const p of cluster.processes) groups[p.name] = [p.pid];
  groups["nginx"] = cluster.nginxPid === null ? [] : [cluster.nginxPid, ...(await childPids(cluster.nginxPid))];
  groups["redis"] = cluster.redisPid === null ? [] : [cluster.redisPid];
  groups["supervisor"] = [cluster.supervisorPid];
  groups["bench"] = [process.pid];
  for (const [name, c] of Object.entries(clients)) groups[name] = [c.pid];
  return groups;
}
