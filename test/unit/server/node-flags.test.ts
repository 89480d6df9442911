/**
 * The production server's V8 flags (server/config.ts SERVER_NODE_FLAGS) are the same wherever
 * a production server process starts: `npm start` (package.json, which cannot import them),
 * each process of `npm run start:cluster`, and the servers `npm run bench` measures.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { serverNodeFlags } from "../../../bench/measure.ts";
import { SERVER_NODE_FLAGS } from "../../../server/config.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");

describe("SERVER_NODE_FLAGS", () => {
  it("caps the young generation's semi-spaces at 32 MB", () => {
    expect(SERVER_NODE_FLAGS).toContain("--max-semi-space-size=32");
  });

  it("are the flags of npm start", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } };
    expect(pkg.scripts.start).toBe(`node ${SERVER_NODE_FLAGS.join(" ")} --import tsx scripts/start.ts`);
  });

  it("are the flags of every start:cluster game process", () => {
    const source = readFileSync(path.join(ROOT, "scripts", "cluster.ts"), "utf8");
    expect(source).toMatch(/spawn\(\s*process\.execPath,\s*\[\.\.\.SERVER_NODE_FLAGS,\s*"--import",\s*"tsx",/);
  });

  it("are the flags of the benchmark's servers unless an A/B names others", () => {
    expect(serverNodeFlags({})).toEqual(SERVER_NODE_FLAGS);
    expect(serverNodeFlags({ BENCH_SERVER_NODE_FLAGS: "" })).toEqual([]);
    expect(serverNodeFlags({ BENCH_SERVER_NODE_FLAGS: "--max-semi-space-size=16  --single-threaded-gc" })).toEqual([
      "--max-semi-space-size=16",
      "--single-threaded-gc",
    ]);
  });
});
