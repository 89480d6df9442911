/**
 * The monitor's weak-password warning (server/ops/monitor.ts) is a record of the structured log
 * like every other: with `event` and the `processId`, which exists only once the matchmaker is
 * set up, after the monitor's routes are made (app.ts makes them first).
 */
import { Writable } from "node:stream";
import { matchMaker } from "@colyseus/core";
import { afterAll, describe, expect, it } from "vitest";
import { createJsonLog } from "../../../server/log/logger.ts";
import { monitorRoutes } from "../../../server/ops/monitor.ts";

describe("the monitor's weak-password warning", () => {
  afterAll(async () => {
    await matchMaker.gracefullyShutdown();
  });

  it("carries the processId, waiting for the matchmaker when it is not set up yet", async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
        done();
      },
    });
    const { sink } = createJsonLog(stream);
    expect(matchMaker.processId as string | undefined).toBeUndefined();
    await monitorRoutes({ user: "admin", password: "admin", production: false, log: sink.error });
    // As in app.ts: the routes exist before the matchmaker does.
    await matchMaker.setup();
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(record).toMatchObject({
      level: "error",
      event: "monitor-weak-password",
      processId: matchMaker.processId,
    });
    expect(record["processId"]).toEqual(expect.any(String));
  });
});
