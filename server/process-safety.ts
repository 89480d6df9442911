/**
 * Process-level safety net. Rooms guard their own step and patch (an exception there fails
 * that room only, see ArenaRoom); anything that still escapes to the process (a rejected
 * promise nobody handled, an exception in a timer) is logged as one JSON line and the process
 * keeps serving every other room, instead of Node's default of exiting with code 1.
 */
import { jsonLogSink } from "./log/logger.ts";

/** What the handlers count, for tests and metrics. */
export interface ProcessFaults {
  unhandledRejections: number;
  uncaughtExceptions: number;
}

/** Installs the handlers once per process; returns the live counters. */
export function installProcessSafety(log: (line: string) => void = jsonLogSink.error): ProcessFaults {
  const counts: ProcessFaults = { unhandledRejections: 0, uncaughtExceptions: 0 };
  const describe = (value: unknown): string =>
    value instanceof Error
      ? (value.stack ?? value.message)
      : (() => {
          try {
            return JSON.stringify(value) ?? String(value);
          } catch {
            return String(value);
          }
        })();
  process.on("unhandledRejection", (reason) => {
    counts.unhandledRejections += 1;
    log(JSON.stringify({ event: "unhandled-rejection", count: counts.unhandledRejections, reason: describe(reason) }));
  });
  process.on("uncaughtException", (error, origin) => {
    counts.uncaughtExceptions += 1;
    log(
      JSON.stringify({ event: "uncaught-exception", origin, count: counts.uncaughtExceptions, error: describe(error) }),
    );
  });
  return counts;
}
