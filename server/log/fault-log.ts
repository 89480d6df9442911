/**
 * Rate-limited, structured logging of client faults and of the framework's error lines.
 *
 * A hostile client can produce a fault per frame; logging each one is a disk and CPU attack of
 * its own. So a fault is counted, not printed: the first occurrence of a (kind, offender) pair
 * in an interval prints one JSON line at once; repeats in the same interval only increase a
 * counter, printed as one summary line when the interval ends. The number of distinct pairs
 * kept per interval is bounded too; beyond it faults are only counted in a total. The
 * framework's own info lines (which a client can trigger, e.g. a reconnection to a room that is
 * gone) go through the same counter, one line per message template per interval.
 */
import { clientInDispatch } from "../security/colyseus-seam.ts";
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
  readonly level: "info" | "warn";
  /** The line for the first occurrence (`repeats` false) or for the repeats of an interval. */
  readonly render: (count: number, repeats: boolean) => string;
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
    this.admit(`f\u0000${fault.kind}\u0000${fault.offender}`, "warn", (count, repeats) =>
      line(repeats ? "fault-repeats" : "fault", fault, count),
    );
  }

  /**
   * Prints a line that is not a client fault (not counted in `totals`) at most once per `key`
   * per interval, as `{ event, ...fields, count: 1 }`; repeats are counted and printed at the end
   * of the interval as `{ event: "<event>-repeats", ...fields, count }`.
   */
  note(event: string, key: string, fields: Readonly<Record<string, string>>, level: "info" | "warn" = "info"): void {
    this.admit(`n\u0000${event}\u0000${key}`, level, (count, repeats) =>
      JSON.stringify({ event: repeats ? `${event}-repeats` : event, ...fields, count }),
    );
  }

  /** Ends the current interval now: prints the repeat counts it gathered. */
  flush(): void {
    for (const { level, render, suppressed } of this.entries.values()) {
      if (suppressed > 0) this.sink[level](render(suppressed, true));
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

  /** Prints the first line of `key` in this interval, counts the rest (and keys past `maxKeys`). */
  private admit(key: string, level: "info" | "warn", render: Entry["render"]): void {
    this.rollIfDue();
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      entry.suppressed += 1;
      return;
    }
    if (this.entries.size >= this.maxKeys) {
      this.overflow += 1;
      return;
    }
    this.entries.set(key, { level, render, suppressed: 0 });
    this.sink[level](render(1, false));
  }
}

function line(event: string, fault: Fault, count: number): string {
  const detail = fault.detail === undefined ? undefined : fault.detail.slice(0, MAX_DETAIL);
  return JSON.stringify({ event, kind: fault.kind, offender: fault.offender, count, detail });
}

/** What Colyseus calls its logger with (`console`-like: any arguments). */
export interface ColyseusLogger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
  trace(...args: unknown[]): void;
}

/** Longest line of Colyseus's kept in a log record (its first line; the rest is a stack trace). */
const MAX_COLYSEUS_LINE = 160;

/**
 * A logger for Colyseus (`defineServer({ logger })`) whose lines all go through the fault log,
 * so none can be multiplied by a client:
 * - errors and warnings become faults (`colyseus-error`, `colyseus-warning`) whose detail is the
 *   first line of the message only (no stack trace), cut to {@link MAX_COLYSEUS_LINE}
 *   characters, so what a client sent is echoed no further than that (msgpackr quotes part of
 *   an undecodable payload in its message). The offender, and so the rate-limit key, is the
 *   client whose frame Colyseus was handling when it logged (its session id, see
 *   `clientInDispatch`), else the message's template (the first line with quoted text and
 *   numbers blanked): never text a client chose;
 * - info lines (e.g. `❌ room "…" has been disposed. Did you miss .allowReconnection()?`, one per
 *   reconnection attempt to a room that is gone, outside production) become
 *   `{ "event": "colyseus-log", "template", "message" }` records, at most one per template per
 *   interval, then a `colyseus-log-repeats` count.
 */
export function colyseusLogger(faults: FaultLog): ColyseusLogger {
  const fault = (kind: string, args: unknown[]): void => {
    const detail = firstLine(toText(args));
    const client = clientInDispatch();
    faults.report({ kind, offender: client?.sessionId ?? messageTemplate(detail), detail });
  };
  return {
    info: (...args: unknown[]) => {
      const message = firstLine(toText(args));
      const template = messageTemplate(message);
      faults.note("colyseus-log", template, { template, message });
    },
    warn: (...args: unknown[]) => fault("colyseus-warning", args),
    error: (...args: unknown[]) => {
      // The transport's server "error" listener also hears the server's own listen failure (a
      // taken port): starting rejects with it and the starter reports it, in one line for a
      // person (server/main.ts). It is nobody's fault to file.
      if (args.some(isListenError)) return;
      fault("colyseus-error", args);
    },
    debug: () => {},
    trace: () => {},
  };
}

/**
 * An error of the server's own `listen` (EADDRINUSE, EACCES, ...), as an error or as the stack
 * text Colyseus's `debugAndPrintError` hands the logger.
 */
function isListenError(arg: unknown): boolean {
  if (arg instanceof Error) return (arg as NodeJS.ErrnoException).syscall === "listen";
  return typeof arg === "string" && /^Error: listen E[A-Z]+\b/.test(arg);
}

function toText(args: unknown[]): string {
  return args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(" ");
}

/** The first line of `text`, trimmed and cut to {@link MAX_COLYSEUS_LINE} characters. */
function firstLine(text: string): string {
  const end = text.indexOf("\n");
  return (end < 0 ? text : text.slice(0, end)).trim().slice(0, MAX_COLYSEUS_LINE);
}

/**
 * A message with what varies blanked: quoted text (a room id) becomes `"…"`, runs of digits `#`,
 * and a value quoted after a space (msgpackr's view of a payload, `{…}` or `[…]`) `…`.
 */
export function messageTemplate(message: string): string {
  return message
    .replace(/"[^"]*"?/g, '"…"')
    .replace(/ [{[].*$/, " …")
    .replace(/\d+/g, "#")
    .slice(0, 120);
}
