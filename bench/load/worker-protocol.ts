/**
 * The messages between `npm run bench` (the parent) and its two load child processes
 * (bench/load/worker.ts): one drives the light clients, the other the full probes, so a stalled
 * load process cannot be read as a late server and the probes' timing is measured by a process
 * that does nothing else. Sent over Node's IPC channel, one command at a time, each answered by
 * exactly one reply (or an `error`).
 */
import type { PhaseStats, TimelinePoint } from "./loadtest.ts";

/** The servers the benchmark measures. */
export type ServerKind = "tick-arena" | "json-baseline" | "ws-reference";
export const SERVER_KINDS: readonly ServerKind[] = ["tick-arena", "json-baseline", "ws-reference"];

/** What a worker process drives: light load clients, or full probes (every patch timed). */
export type WorkerRole = "load" | "probe";

/** Parent → worker. */
export type WorkerCommand =
  | {
      readonly type: "init";
      readonly server: ServerKind;
      readonly role: WorkerRole;
      readonly url: string;
      /** Prefetched guest tokens (Tick Arena only), one per client this worker will start. */
      readonly tokens: readonly string[];
      readonly inputRate: number;
      /** One light client in this many records patch arrivals (probes: every one). */
      readonly patchSampleEvery: number;
      /** Print a progress line every second (to stderr). */
      readonly verbose: boolean;
    }
  | { readonly type: "ramp"; readonly target: number; readonly rate: number }
  | { readonly type: "hold"; readonly seconds: number }
  | { readonly type: "stop" };

/** Worker → parent. */
export type WorkerReply =
  | { readonly type: "ready" }
  | { readonly type: "ramped"; readonly phase: PhaseStats }
  | { readonly type: "held"; readonly phase: PhaseStats; readonly timeline: TimelinePoint[] }
  | { readonly type: "stopped" }
  | { readonly type: "error"; readonly message: string };
