import { describe, expect, it } from "vitest";
import { debugLines } from "../../../client/src/render/debug-format.ts";

describe("debugLines", () => {
  it("shows every figure of the overlay", () => {
    const info = {
      rttMs: 151.4,
      serverTick: 1234,
      lastAckedInput: 90,
      pendingInputs: 6,
      lastCorrectionPx: 0,
      totalCorrectionPx: 0,
      interpolationDelayMs: 100,
      bufferedPatches: 2,
      downBytesPerSec: 2048,
      upBytesPerSec: 512,
    };
    const lines = debugLines(info, 59.6);
    expect(lines).toEqual([
      "FPS 60   RTT 151 ms",
      "server tick 1234",
      "input acked 90   in flight 6",
      "correction 0.00 px   total 0.0 px",
      "interpolation 100 ms   buffered 2 patches",
      "down 2.00 KB/s   up 0.50 KB/s",
    ]);
    expect(debugLines({ ...info, rttMs: null }, 1)[0]).toBe("FPS 1   RTT –");
  });
});
