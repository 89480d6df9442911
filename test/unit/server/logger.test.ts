/** The structured log (server/log/logger.ts): one JSON record per line, with level, time and pid. */
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createJsonLog } from "../../../server/log/logger.ts";

function collect(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(
        ...chunk
          .toString("utf8")
          .split("\n")
          .filter((l) => l.length > 0),
      );
      done();
    },
  });
  return { lines, stream };
}

describe("structured log", () => {
  it("merges a JSON event line's fields into a record with level, ISO time and pid", () => {
    const { lines, stream } = collect();
    const { sink } = createJsonLog(stream);
    sink.warn(JSON.stringify({ event: "fault", kind: "malformed-input", offender: "abc", count: 1 }));
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(record).toMatchObject({
      level: "warn",
      pid: process.pid,
      event: "fault",
      kind: "malformed-input",
      count: 1,
    });
    expect(new Date(String(record["time"])).toISOString()).toBe(record["time"]);
  });

  it("logs a plain line as msg, at the level asked", () => {
    const { lines, stream } = collect();
    const { sink, logger } = createJsonLog(stream);
    sink.info("Colyseus says hello");
    sink.error("{not json");
    logger.error({ event: "room-failed", roomId: "r1" });
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => r["level"])).toEqual(["info", "error", "error"]);
    expect(records[0]!["msg"]).toBe("Colyseus says hello");
    expect(records[1]!["msg"]).toBe("{not json");
    expect(records[2]).toMatchObject({ event: "room-failed", roomId: "r1" });
  });
});
