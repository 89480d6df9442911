/** Rate-limited fault logging: one line per offender and kind per interval, then a count. */
import { describe, expect, it } from "vitest";
import { colyseusLogger, FaultLog, type LogSink } from "../../../server/log/fault-log.ts";

function collector(): LogSink & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (l) => lines.push(l), warn: (l) => lines.push(l), error: (l) => lines.push(l) };
}

describe("FaultLog", () => {
  it("prints the first fault of an offender at once and only counts repeats", () => {
    let t = 0;
    const sink = collector();
    const log = new FaultLog({ sink, intervalMs: 1000, now: () => t });
    for (let i = 0; i < 500; i++) log.report({ kind: "malformed-input", offender: "s1", detail: `frame ${i}` });
    log.report({ kind: "malformed-input", offender: "s2" });
    expect(sink.lines).toHaveLength(2);
    expect(JSON.parse(sink.lines[0]!)).toMatchObject({
      event: "fault",
      kind: "malformed-input",
      offender: "s1",
      count: 1,
    });
    t = 1000;
    log.report({ kind: "malformed-input", offender: "s1" }); // rolls the interval
    const repeats = sink.lines.map((l) => JSON.parse(l) as { event: string; count: number; offender: string });
    expect(repeats).toContainEqual(expect.objectContaining({ event: "fault-repeats", offender: "s1", count: 499 }));
    expect(repeats.at(-1)).toMatchObject({ event: "fault", offender: "s1", count: 1 });
    expect(log.totals.get("malformed-input")).toBe(502);
  });

  it("tracks a bounded number of offenders per interval and counts the rest", () => {
    const sink = collector();
    const log = new FaultLog({ sink, maxKeys: 10, now: () => 0 });
    for (let i = 0; i < 10_000; i++) log.report({ kind: "flood", offender: `addr-${i}` });
    expect(sink.lines).toHaveLength(10);
    log.flush();
    expect(JSON.parse(sink.lines.at(-1)!)).toEqual({ event: "fault-overflow", count: 9990 });
  });

  it("keeps lines short whatever the detail", () => {
    const sink = collector();
    new FaultLog({ sink }).report({ kind: "k", offender: "o", detail: "x".repeat(100_000) });
    expect(sink.lines[0]!.length).toBeLessThan(400);
  });

  it("routes Colyseus's error stack traces through the fault log, one line per message", () => {
    const sink = collector();
    const faults = new FaultLog({ sink, now: () => 0 });
    const logger = colyseusLogger(faults, sink);
    for (let i = 0; i < 100; i++) logger.error(new Error("seat reservation expired.").stack ?? "");
    expect(sink.lines).toHaveLength(1);
    expect(JSON.parse(sink.lines[0]!)).toMatchObject({
      kind: "colyseus-error",
      offender: "Error: seat reservation expired.",
    });
  });
});
