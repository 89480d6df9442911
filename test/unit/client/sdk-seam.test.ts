/**
 * Fails loudly when the @colyseus/sdk internal that `client/src/net/sdk-seam.ts` changes is
 * renamed or stops bounding `Predict.tick`'s step count, or when the pinned version moves.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { maxStepsPerFrame, setMaxStepsPerFrame, VERIFIED_COLYSEUS_SDK } from "../../../client/src/net/sdk-seam.ts";

const require = createRequire(import.meta.url);
const sdkDir = path.dirname(require.resolve("@colyseus/sdk/package.json"));
const original = maxStepsPerFrame();

afterEach(() => setMaxStepsPerFrame(original));

describe("the SDK seam", () => {
  it("runs on the @colyseus/sdk version it was verified on (pinned in package.json)", () => {
    const installed = JSON.parse(readFileSync(path.join(sdkDir, "package.json"), "utf8")) as { version: string };
    expect(installed.version).toBe(VERIFIED_COLYSEUS_SDK);
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(pkg.dependencies["@colyseus/sdk"]).toBe(VERIFIED_COLYSEUS_SDK);
  });

  it("finds Predict.MAX_STEPS_PER_FRAME (5 by default) and Predict.tick capping with it", () => {
    expect(original).toBe(5);
    const source = readFileSync(path.join(sdkDir, "src", "predict", "Predictor.ts"), "utf8");
    expect(source).toMatch(/if \(steps > Predict\.MAX_STEPS_PER_FRAME\) \{/);
    setMaxStepsPerFrame(8);
    expect(maxStepsPerFrame()).toBe(8);
  });
});
