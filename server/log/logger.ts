/**
 * The server's structured log: one JSON object per line on stderr (pino), each with `level`
 * ("info", "warn", "error"), `time` (ISO 8601), `pid` and, once the matchmaker runs, `processId`
 * (the Colyseus process id that `/healthz` and the cluster registry use), so lines from many
 * processes can be merged and filtered by a log collector.
 *
 * The modules that log take a {@link LogSink} (tests pass a collector) and hand it lines that are
 * already JSON objects (`{"event": "...", ...}`); this sink merges their fields into the log
 * record. A line that is not a JSON object is logged as `msg`.
 *
 * The human start-up line of `server/main.ts` ("Tick Arena listening on …") stays plain text on
 * stdout: scripts and people read it.
 */
import { matchMaker } from "@colyseus/core";
import pino from "pino";
import type { LogSink } from "./fault-log.ts";

type Level = "info" | "warn" | "error";

/** A structured log writing to `destination`: its pino logger and the {@link LogSink} over it. */
export function createJsonLog(destination: pino.DestinationStream): { logger: pino.Logger; sink: LogSink } {
  const logger = pino(
    {
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Absent (undefined) until the matchmaker is set up; pino leaves undefined fields out.
      mixin: () => ({ processId: matchMaker.processId as string | undefined }),
    },
    destination,
  );
  const emit = (level: Level, line: string): void => {
    let fields: unknown;
    try {
      fields = line.startsWith("{") ? JSON.parse(line) : undefined;
    } catch {
      fields = undefined;
    }
    if (fields !== null && typeof fields === "object" && !Array.isArray(fields)) logger[level](fields);
    else logger[level](line);
  };
  return {
    logger,
    sink: {
      info: (line) => emit("info", line),
      warn: (line) => emit("warn", line),
      error: (line) => emit("error", line),
    },
  };
}

/** The server's log: stderr, written synchronously (a crash loses no line). */
const serverLog = createJsonLog(pino.destination({ fd: 2, sync: true }));

/** The pino logger of the server's log. */
export const logger = serverLog.logger;

/** The production sink: every line a structured record of the server's log. */
export const jsonLogSink: LogSink = serverLog.sink;
