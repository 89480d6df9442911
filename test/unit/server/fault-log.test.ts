/** Rate-limited fault logging: one line per offender and kind per interval, then a count. */
import { describe, expect, it } from "vitest";
import { colyseusLogger, FaultLog, type LogSink } from "../../../server/log/fault-log.ts";
import { interceptClientFrames } from "../../../server/security/colyseus-seam.ts";

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
    const logger = colyseusLogger(faults);
    for (let i = 0; i < 100; i++) logger.error(new Error("seat reservation expired.").stack ?? "");
    expect(sink.lines).toHaveLength(1);
    expect(JSON.parse(sink.lines[0]!)).toMatchObject({
      kind: "colyseus-error",
      offender: "Error: seat reservation expired.",
      detail: "Error: seat reservation expired.",
    });
  });

  it("files no fault for the server's own listen failure (a taken port): the starter reports it", () => {
    const sink = collector();
    const logger = colyseusLogger(new FaultLog({ sink, now: () => 0 }));
    const taken = Object.assign(new Error("listen EADDRINUSE: address already in use 127.0.0.1:2567"), {
      code: "EADDRINUSE",
      syscall: "listen",
    });
    logger.error(taken);
    // Colyseus's debugAndPrintError hands the logger the stack text, not the error.
    logger.error(taken.stack);
    expect(sink.lines).toEqual([]);
    // Any other error of the transport still is one.
    logger.error(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", syscall: "read" }));
    expect(sink.lines).toHaveLength(1);
  });

  it("logs a payload Colyseus cannot decode once per client, first line only, no stack trace", () => {
    const sink = collector();
    const faults = new FaultLog({ sink, now: () => 0 });
    const logger = colyseusLogger(faults);
    // Colyseus logs the error from inside the room's _onMessage: the guarded one knows whose frame it is.
    const room = { _onMessage: (_client: unknown, frame: Uint8Array) => logger.error(decodeError(frame).stack!) };
    interceptClientFrames(room as never, () => "deliver");
    const [a, b] = [{ sessionId: "session-a" }, { sessionId: "session-b" }];
    // Every frame a different text (msgpackr quotes the payload): still one line per client.
    for (let i = 0; i < 50; i++) room._onMessage(a, Uint8Array.from([13, i]));
    room._onMessage(b, Uint8Array.from([13, 99]));
    room._onMessage(b, Uint8Array.from([13, 7, 7, 7, 7, 7, 7]));
    expect(sink.lines).toHaveLength(2);
    const records = sink.lines.map((l) => JSON.parse(l) as Record<string, string>);
    expect(records.map((r) => [r["kind"], r["offender"]])).toEqual([
      ["colyseus-error", "session-a"],
      ["colyseus-error", "session-b"],
    ]);
    for (const r of records) {
      expect(r["detail"]).toMatch(/^Error: Data read, but end of buffer not reached /);
      expect(r["detail"]).not.toMatch(/\n|\bat /);
      expect(r["detail"]!.length).toBeLessThanOrEqual(160);
    }
    faults.flush();
    expect(JSON.parse(sink.lines.at(-1)!)).toMatchObject({ event: "fault-repeats", offender: "session-b", count: 1 });
    // Outside a frame (no client known), the key is the message with what varies blanked.
    logger.error(decodeError(Uint8Array.from([1, 2])).stack!);
    logger.error(decodeError(Uint8Array.from([3, 4, 5])));
    expect(sink.lines.slice(-1).map((l) => JSON.parse(l) as Record<string, string>)).toEqual([
      expect.objectContaining({ offender: "Error: Data read, but end of buffer not reached …" }),
    ]);
  });

  it("gives Colyseus's info lines an event and prints each template at most once per interval", () => {
    let t = 0;
    const sink = collector();
    const faults = new FaultLog({ sink, intervalMs: 10_000, now: () => t });
    const logger = colyseusLogger(faults);
    const disposed = (id: string) =>
      `❌ room "${id}" has been disposed. Did you miss .allowReconnection()?\n👉 https://docs.colyseus.io/room#allow-reconnection`;
    for (let i = 0; i < 200; i++) logger.info(disposed(`gone${i}`));
    logger.info("❌ reconnection token invalid or expired. Did you miss .allowReconnection()?");
    expect(sink.lines).toHaveLength(2);
    const first = JSON.parse(sink.lines[0]!) as Record<string, unknown>;
    expect(first).toEqual({
      event: "colyseus-log",
      template: '❌ room "…" has been disposed. Did you miss .allowReconnection()?',
      message: '❌ room "gone0" has been disposed. Did you miss .allowReconnection()?',
      count: 1,
    });
    expect(JSON.parse(sink.lines[1]!)).toMatchObject({ event: "colyseus-log", count: 1 });
    t = 10_000;
    logger.info(disposed("gone-again"));
    const records = sink.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toContainEqual(expect.objectContaining({ event: "colyseus-log-repeats", count: 199 }));
    expect(records.at(-1)).toMatchObject({ event: "colyseus-log", message: expect.stringContaining("gone-again") });
    expect(records.every((r) => typeof r["event"] === "string")).toBe(true);
    // Info lines are not client faults: they stay out of the fault totals.
    expect([...faults.totals.keys()]).toEqual([]);
  });
});

/**
 * The error msgpackr throws for a payload with bytes after its first value: it quotes the value
 * (`Data read, but end of buffer not reached ` + a JSON view of it), then a stack trace.
 */
function decodeError(frame: Uint8Array): Error {
  return new Error(`Data read, but end of buffer not reached ${JSON.stringify({ text: [...frame].join(",") })}`);
}
