/**
 * The parent's side of a load child process (bench/load/worker.ts): spawns it (pinned to a core
 * with `taskset` when asked, its output on the parent's stderr), and turns the IPC exchange into
 * awaitable calls with deadlines, so a wedged worker fails the benchmark loudly instead of
 * hanging it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PhaseStats, TimelinePoint } from "./loadtest.ts";
import type { ServerKind, WorkerCommand, WorkerReply, WorkerRole } from "./worker-protocol.ts";

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), "worker.ts");

/** How to start a worker. */
export interface WorkerOptions {
  readonly server: ServerKind;
  readonly role: WorkerRole;
  readonly url: string;
  readonly tokens: readonly string[];
  readonly inputRate: number;
  readonly patchSampleEvery: number;
  /** Core to pin to with taskset, or null for no pinning. */
  readonly core: number | null;
  readonly verbose: boolean;
  /** Called with the child when spawned and when it exits (for cleanup on an abort). */
  readonly track: (child: ChildProcess, alive: boolean) => void;
}

/** A running load child process. */
export class LoadWorker {
  private waiting: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void } | null = null;

  private constructor(
    private readonly child: ChildProcess,
    readonly label: string,
  ) {
    child.on("message", (message: WorkerReply) => {
      const w = this.waiting;
      this.waiting = null;
      if (w === null) return;
      if (message.type === "error") w.reject(new Error(`${this.label}: ${message.message}`));
      else w.resolve(message);
    });
    child.on("exit", (code, signal) => {
      const w = this.waiting;
      this.waiting = null;
      w?.reject(new Error(`${this.label} exited (${code ?? signal}) before answering`));
    });
  }

  /** Spawns a worker and initialises it. */
  static async start(options: WorkerOptions): Promise<LoadWorker> {
    const nodeArgs = ["--import", "tsx", WORKER];
    const [cmd, args] =
      options.core === null
        ? [process.execPath, nodeArgs]
        : ["taskset", ["-c", String(options.core), process.execPath, ...nodeArgs]];
    // stdout and stderr both to the parent's stderr: the parent's stdout may carry the JSON result.
    const child = spawn(cmd, args, { stdio: ["ignore", 2, 2, "ipc"], env: process.env });
    options.track(child, true);
    child.once("exit", () => options.track(child, false));
    const worker = new LoadWorker(child, `${options.server}/${options.role}`);
    await worker.request(
      {
        type: "init",
        server: options.server,
        role: options.role,
        url: options.url,
        tokens: options.tokens,
        inputRate: options.inputRate,
        patchSampleEvery: options.patchSampleEvery,
        verbose: options.verbose,
      },
      "ready",
      30_000,
    );
    return worker;
  }

  /** Connects clients at `rate` per second until `target` are connected (or failed). */
  async rampTo(target: number, rate: number): Promise<PhaseStats> {
    const r = await this.request({ type: "ramp", target, rate }, "ramped", (target / rate) * 1000 + 60_000);
    return (r as Extract<WorkerReply, { type: "ramped" }>).phase;
  }

  /** Holds for `seconds`; the phase figures and the per-second timeline of the hold. */
  async hold(seconds: number): Promise<{ phase: PhaseStats; timeline: TimelinePoint[] }> {
    const r = await this.request({ type: "hold", seconds }, "held", seconds * 1000 + 30_000);
    const held = r as Extract<WorkerReply, { type: "held" }>;
    return { phase: held.phase, timeline: held.timeline };
  }

  /** Closes every client and lets the process exit (killed if it does not within 15 s). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    await this.request({ type: "stop" }, "stopped", 15_000).catch(() => undefined);
    // An unref'd bound: once the worker has exited it must not hold the bench open for 5 s.
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }

  private request(command: WorkerCommand, expect: WorkerReply["type"], timeoutMs: number): Promise<WorkerReply> {
    if (this.waiting !== null) return Promise.reject(new Error(`${this.label}: a command is already pending`));
    return new Promise<WorkerReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        reject(new Error(`${this.label}: no "${expect}" after ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.waiting = {
        resolve: (r) => {
          clearTimeout(timer);
          if (r.type === expect) resolve(r);
          else reject(new Error(`${this.label}: expected "${expect}", got "${r.type}"`));
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.child.send(command);
    });
  }
}
