/**
 * The calls between `npm run bench:cluster` (the parent) and its client processes
 * (bench/cluster/client-process.ts): the players that measure a cluster run in their own
 * processes, started with the cluster's certificate trusted (`NODE_EXTRA_CA_CERTS`), so their
 * event loops and CPU are theirs alone and the parent only orchestrates and reads /proc and
 * Redis. Node's IPC channel; every request is answered by exactly one reply with its id.
 */
import type { LatencySummary } from "../load/exact-histogram.ts";
import type { LagSummary, PhaseStats } from "../load/loadtest.ts";

/** One arrival of the time-to-seat run; times in ms from its scheduled arrival. */
export interface SeatRecord {
  /** Scheduled arrival, ms after the first one. */
  readonly scheduledMs: number;
  /** How late the generator started it (its clock against the schedule). */
  readonly lateMs: number;
  /** Matchmaking answered (seat reservation), TLS done, socket open, JOIN_ROOM, first state. */
  readonly reservationMs: number | null;
  readonly secureMs: number | null;
  readonly openMs: number | null;
  readonly joinRoomMs: number | null;
  readonly stateMs: number | null;
  /** Failure kind (`matchmake 503`, `timeout before JOIN_ROOM`, …), null when seated. */
  readonly failure: string | null;
  readonly failureDetail: string | null;
  readonly roomId: string | null;
  readonly processId: string | null;
}

/** What a time-to-seat run returns. */
export interface SeatRunResult {
  readonly records: SeatRecord[];
  /** The generator's event-loop lag and CPU (% of one core) while it ran the schedule. */
  readonly lagMs: LagSummary;
  readonly cpuPercent: number;
  /** From the first scheduled arrival to the last join settled, ms. */
  readonly durationMs: number;
  /** WebSocket messages and bytes the players received until then (patches of the rooms they joined). */
  readonly framesIn: number;
  readonly bytesIn: number;
}

/** Per process (Colyseus process id), what a hold saw. */
export interface ProcessPatchStats {
  /** Patch inter-arrival of the tapped clients seated on this process. */
  readonly patchMs: LatencySummary;
  /** Tapped clients on this process. */
  readonly tapped: number;
  /** Clients seated on this process at the end of the hold. */
  readonly clients: number;
}

export interface HoldResult {
  readonly phase: PhaseStats;
  readonly byProcess: Record<string, ProcessPatchStats>;
}

/** A bot of the SIGKILL run as the parent needs it. */
export interface BotPlace {
  readonly name: string;
  readonly roomId: string | null;
  readonly connected: boolean;
  readonly joins: number;
}

/** Method name → params and result. */
export interface ClientMethods {
  /** Fetches `count` guest tokens (POST /auth/guest through nginx) and keeps them. */
  tokens: { params: { url: string; count: number }; result: number };
  /** Joins `count` players at `rate`/s (tokens after the run's), then makes them all leave. */
  "seat.warmup": { params: { url: string; count: number; rate: number }; result: { ok: number; failed: number } };
  /** Open-loop arrivals on a fixed schedule; the seated players stay until `seat.release`. */
  "seat.run": {
    params: { url: string; count: number; rate: number; connectTimeoutMs: number };
    result: SeatRunResult;
  };
  "seat.release": { params: Record<string, never>; result: null };
  /** A load tester (bench/load LoadRun) of cluster clients with `tokens` guest tokens to start. */
  "load.init": {
    params: {
      url: string;
      role: "load" | "probe";
      tokens: number;
      inputRate: number;
      /** One client in this many times its patches (per process). */
      tapEvery: number;
    };
    result: null;
  };
  /** Ramps to `target` players (fetching the guest tokens it lacks first). */
  "load.ramp": { params: { target: number; rate: number }; result: PhaseStats };
  "load.hold": { params: { seconds: number }; result: HoldResult };
  "load.stop": { params: Record<string, never>; result: null };
  /** SDK bots (bots/swarm.ts); resolves when every first join settled. */
  "bots.start": {
    params: { url: string; count: number; seed: number; staggerMs: number };
    result: { connected: number };
  };
  "bots.state": { params: Record<string, never>; result: BotPlace[] };
  "bots.stop": { params: Record<string, never>; result: null };
}

export type MethodName = keyof ClientMethods;

export interface ClientRequest {
  readonly id: number;
  readonly method: MethodName;
  readonly params: unknown;
}

export type ClientReply =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };
