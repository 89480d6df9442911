/**
 * The parent's side of the cluster benchmark's child processes: a client process
 * (client-process.ts) turned into awaitable calls with deadlines, and one registry of everything
 * started (client processes and clusters) so an error, Ctrl-C or SIGTERM stops it all.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Cluster } from "./cluster-process.ts";
import type { ClientMethods, ClientReply, MethodName } from "./client-protocol.ts";

const ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), "client-process.ts");

/** Everything the benchmark started and has not stopped yet. */
export class Running {
  private readonly children = new Set<ChildProcess>();
  private readonly clusters = new Set<Cluster>();

  addChild(child: ChildProcess): void {
    this.children.add(child);
    child.once("exit", () => this.children.delete(child));
  }

  addCluster(cluster: Cluster): void {
    this.clusters.add(cluster);
  }

  async stopCluster(cluster: Cluster): Promise<void> {
    this.clusters.delete(cluster);
    await cluster.stop();
  }

  /** Kills the client processes and stops every cluster (each bounded by its own stop). */
  async stopAll(): Promise<void> {
    this.killChildren();
    await Promise.all([...this.clusters].map((c) => this.stopCluster(c).catch(() => undefined)));
  }

  /** Last resort on exit (synchronous): SIGKILL the clients, SIGTERM the cluster supervisors. */
  killNow(): void {
    this.killChildren();
    for (const c of this.clusters) {
      try {
        // The supervisor drains and stops its own Redis, servers and nginx on SIGTERM.
        process.kill(c.supervisorPid, "SIGTERM");
      } catch {
        // already gone
      }
    }
  }

  private killChildren(): void {
    for (const child of this.children) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  }
}

/** A running client process. */
export class ClientProcess {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();

  private constructor(
    private readonly child: ChildProcess,
    readonly label: string,
  ) {
    child.on("message", (reply: ClientReply) => {
      const p = this.pending.get(reply.id);
      if (p === undefined) return;
      this.pending.delete(reply.id);
      clearTimeout(p.timer);
      if (reply.ok) p.resolve(reply.result);
      else p.reject(new Error(`${this.label}: ${reply.error}`));
    });
    child.on("exit", (code, signal) => {
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new Error(`${this.label} exited (${code ?? signal}) before answering`));
        this.pending.delete(id);
      }
    });
  }

  /** Starts a client process (its output on our stderr: our stdout may carry the JSON result). */
  static start(label: string, running: Running): ClientProcess {
    const child = spawn(process.execPath, ["--import", "tsx", ENTRY], {
      stdio: ["ignore", 2, 2, "ipc"],
      env: process.env,
    });
    running.addChild(child);
    return new ClientProcess(child, label);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Calls `method`; rejects after `timeoutMs` without an answer. */
  call<M extends MethodName>(
    method: M,
    params: ClientMethods[M]["params"],
    timeoutMs: number,
  ): Promise<ClientMethods[M]["result"]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.label}: no answer to ${method} after ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.child.send({ id, method, params });
    });
  }

  /** Disconnects (the process exits); killed if it is still there after 5 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    if (this.child.connected) this.child.disconnect();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((r) => (timer = setTimeout(r, 5000)))]);
    clearTimeout(timer);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}
