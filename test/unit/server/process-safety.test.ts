/**
 * A stray rejection or exception is logged and the process keeps running (Node's default is
 * to exit with code 1, taking every room with it). Runs a real child process.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

describe("installProcessSafety", () => {
  it("logs an unhandled rejection and an uncaught exception, and the process serves on", () => {
    const script = `
      import { installProcessSafety } from ${JSON.stringify(path.join(ROOT, "server/process-safety.ts"))};
      const counts = installProcessSafety((line) => console.log(line));
      Promise.reject(new Error("nobody handles me"));
      setTimeout(() => { throw new Error("thrown in a timer"); }, 10);
      setTimeout(() => console.log("still serving", JSON.stringify(counts)), 100);
    `;
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(JSON.parse(lines[0]!)).toMatchObject({ event: "unhandled-rejection", count: 1 });
    expect(lines[0]).toContain("nobody handles me");
    expect(JSON.parse(lines[1]!)).toMatchObject({ event: "uncaught-exception", count: 1 });
    expect(lines[2]).toBe(`still serving {"unhandledRejections":1,"uncaughtExceptions":1}`);
  });
});
