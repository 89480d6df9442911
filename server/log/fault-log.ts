/**
 * Rate-limited, structured logging of client faults and of the framework's error lines.
 *
 * A hostile client can produce a fault per frame; logging each one is a disk and CPU attack of
 * its own. So a fault is counted, not printed: the first occurrence of a (kind, offender) pair
 * in an interval prints one JSON line at once; repeats in the same interval only increase a
 * counter, printed as one summary line when the interval ends. The number of distinct pairs
 * kept per interval is bounded too; beyond it faults are only counted in a total.
 */
import { jsonLogSink } from "./logger.ts";

/** Where log lines go; the structured log (logger.ts) in production, a collector in tests. */
export interface LogSink {
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
}

/** One reported fault. */
export interface Fault {
  /** What happened, a short stable word, e.g. "malformed-input" or "matchmake-rate". */
  readonly kind: string;
  /** Who did it: a session id, an address, or "server". */
  readonly offender: string;
  /** Optional detail; truncated to keep lines short. */
  readonly detail?: string;
}

interface Entry {
  readonly fault: Fault;
  suppressed: number;
}

/** Longest detail kept in a log line. */
const MAX_DETAIL = 200;

export interface FaultLogOptions {
  readonly sink?: LogSink;
  /** Length of one interval, in ms (default 10 s). */
  readonly intervalMs?: number;
  /** Distinct (kind, offender) pairs tracked per interval (default 1,000). */
  readonly maxKeys?: number;
  /** Clock, for tests. */
  readonly now?: () => number;
}

/** Counts faults and prints at most one line per (kind, offender) per interval plus a summary. */
export class FaultLog {
  private readonly sink: LogSink;
  private readonly intervalMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  private entries = new Map<string, Entry>();
  private overflow = 0;
  private intervalEndsAt: number;
  private timer: NodeJS.Timeout | undefined;
  /** Totals since start, per kind (served with the metrics). */
  readonly totals = new Map<string, number>();

  constructor(options: FaultLogOptions = {}) {
    this.sink = options.sink ?? jsonLogSink;
    this.intervalMs = options.intervalMs ?? 10_000;
    this.maxKeys = options.maxKeys ?? 1000;
    this.now = options.now ?? Date.now;
    this.intervalEndsAt = this.now() + this.intervalMs;
  }

  /** Records a fault; prints it only if it is the first of its kind from this offender this interval. */
  report(fault: Fault): void {
    this.totals.set(fault.kind, (this.totals.get(fault.kind) ?? 0) + 1);
    this.rollIfDue();
    const key = `${fault.kind}\u0000${fault.offender}`;
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      entry.suppressed += 1;
      return;
    }
    if (this.entries.size >= this.maxKeys) {
      this.overflow += 1;
      return;
    }
    this.entries.set(key, { fault, suppressed: 0 });
    this.sink.warn(line("fault", fault, 1));
  }

  /** Ends the current interval now: prints the repeat counts it gathered. */
  flush(): void {
    for (const { fault, suppressed } of this.entries.values()) {
      if (suppressed > 0) this.sink.warn(line("fault-repeats", fault, suppressed));
    }
    if (this.overflow > 0) {
      this.sink.warn(JSON.stringify({ event: "fault-overflow", count: this.overflow }));
    }
    this.entries = new Map();
    this.overflow = 0;
    this.intervalEndsAt = this.now() + this.intervalMs;
  }

  /** Flushes every interval on a timer (unref'd), so repeat counts print even when faults stop. */
  start(): void {
    this.timer ??= setInterval(() => this.flush(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and prints what is pending. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }

  private rollIfDue(): void {
    if (this.now() >= this.intervalEndsAt) this.flush();
  }
}

function line(event: string, fault: Fault, count: number): string {
  const detail = fault.detail === undefined ? undefined : fault.detail.slice(0, MAX_DETAIL);
  return JSON.stringify({ event, kind: fault.kind, offender: fault.offender, count, detail });
}

/**
 * A logger for Colyseus (`defineServer({ logger })`) whose error lines go through a fault log:
 * Colyseus prints a stack trace for many client mistakes (a failed socket, an expired seat); the
 * first line of each distinct message is printed once per interval with a repeat count.
 */
export function colyseusLogger(
  faults: FaultLog,
  sink: LogSink = jsonLogSink,
): LogSink & { debug(): void; trace(): void } {
  const toText = (args: unknown[]): string =>
    args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(" ");
  return {
    info: (...args: unknown[]) => sink.info(toText(args)),
    warn: (...args: unknown[]) => faults.report({ kind: "colyseus-warning", offender: firstLine(toText(args)) }),
    error: (...args: unknown[]) => {
      const text = toText(args);
      faults.report({ kind: "colyseus-error", offender: firstLine(text), detail: text });
    },
    debug: () => {},
    trace: () => {},
  };
}

function firstLine(text: string): string {
  const end = text.indexOf("\n");
  return (end < 0 ? text : text.slice(0, end)).slice(0, MAX_DETAIL);
}
