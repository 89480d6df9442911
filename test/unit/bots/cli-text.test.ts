/**
 * The bot runner's command line and text: arguments are validated with readable errors, and
 * the progress line and summary table show the numbers that matter.
 */
import { describe, expect, it } from "vitest";
import { MAX_BOTS, parseBotArgs, UsageError } from "../../../bots/args.ts";
import { Bot } from "../../../bots/bot.ts";
import { formatProgress, formatSummary } from "../../../bots/report.ts";
import { median, summarize } from "../../../bots/swarm.ts";

const URL_ARG = ["--url", "http://127.0.0.1:2567"];

function parse(...args: string[]) {
  const parsed = parseBotArgs(args, () => 1234);
  if (parsed.help) throw new Error("unexpected help");
  return parsed.options;
}

function usageError(...args: string[]): string {
  try {
    parseBotArgs(args);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`accepted: ${args.join(" ")}`);
}

describe("bot runner arguments", () => {
  it("fills in defaults", () => {
    expect(parse(...URL_ARG)).toEqual({
      url: "http://127.0.0.1:2567",
      count: 8,
      durationS: 60,
      room: "arena",
      lagMs: 0,
      jitterMs: 0,
      lossPercent: 0,
      seed: 1234,
      namePrefix: "Bot",
      staggerMs: 50,
      verbose: false,
    });
  });

  it("reads every option", () => {
    const o = parse(
      ...["--url", "ws://localhost:2600", "--count", "12", "--duration", "2.5", "--room", "arena"],
      ...[
        "--lag",
        "150",
        "--jitter",
        "30",
        "--loss",
        "1.5",
        "--seed",
        "7",
        "--name",
        "Load",
        "--stagger",
        "0",
        "--verbose",
      ],
    );
    expect(o).toMatchObject({
      url: "ws://localhost:2600",
      count: 12,
      durationS: 2.5,
      lagMs: 150,
      jitterMs: 30,
      lossPercent: 1.5,
    });
    expect(o).toMatchObject({ seed: 7, namePrefix: "Load", staggerMs: 0, verbose: true });
  });

  it("answers --help", () => {
    expect(parseBotArgs(["--help"])).toEqual({ help: true });
  });

  it("rejects bad arguments with a message that names them", () => {
    expect(usageError()).toMatch(/--url is required/);
    expect(usageError("--url", "not a url")).toMatch(/--url must be an http/);
    expect(usageError("--url", "ftp://x")).toMatch(/--url must be an http/);
    expect(usageError(...URL_ARG, "--count", "0")).toMatch(/--count must be at least 1/);
    expect(usageError(...URL_ARG, "--count", "lots")).toMatch(/--count must be a number/);
    expect(usageError(...URL_ARG, "--count", "2.5")).toMatch(/--count must be a whole number/);
    expect(usageError(...URL_ARG, "--count", String(MAX_BOTS + 1))).toMatch(/--count must be at most/);
    expect(usageError(...URL_ARG, "--duration", "0")).toMatch(/--duration must be above 0/);
    expect(usageError(...URL_ARG, "--duration", "1e9")).toMatch(/--duration must be at most/);
    expect(usageError(...URL_ARG, "--room", "lobby")).toMatch(/--room must be "arena"/);
    expect(usageError(...URL_ARG, "--lag=-5")).toMatch(/--lag must be at least 0/);
    expect(usageError(...URL_ARG, "--name", "Very Long Prefix")).toMatch(/--name/);
    expect(usageError(...URL_ARG, "--name", "bad!")).toMatch(/--name/);
    expect(usageError(...URL_ARG, "--bogus")).toMatch(/bogus/);
    expect(usageError(...URL_ARG, "extra")).toMatch(/extra/);
  });
});

describe("bot runner text", () => {
  it("prints one progress line with the totals", () => {
    const line = formatProgress(
      {
        connected: 7,
        everConnected: 8,
        target: 8,
        kills: 14,
        deaths: 13,
        shots: 900,
        reconnects: 1,
        joinsFailed: 2,
        medianPing: 4.4,
      },
      12.2,
      60,
    );
    expect(line).toBe("[12s/60s] connected 7/8  kills 14  deaths 13  reconnects 1  joins failed 2  ping p50 4 ms");
    expect(line).not.toContain("\n");
  });

  it("prints a summary row per bot and the totals", () => {
    const bots = [
      new Bot({ url: "http://x", name: "Bot 1", seed: 1 }),
      new Bot({ url: "http://x", name: "Bot 2", seed: 2 }),
    ];
    const text = formatSummary(bots, summarize(bots), 30.04);
    const lines = text.split("\n");
    expect(lines[0]).toBe("Summary after 30.0 s");
    expect(lines[1]).toMatch(/^bot\s+state\s+joins\s+kills\s+deaths\s+shots\s+reconn\s+failed\s+close\s+ping$/);
    expect(lines.filter((l) => /^Bot \d\s+idle\s+0\s+0/.test(l))).toHaveLength(2);
    expect(lines.at(-1)).toMatch(/^total \(2\)\s+0 joined/);
  });

  it("takes medians", () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
