/**
 * Server settings (server/config.ts) against the README's table of environment variables: every
 * default the table names is the one the server uses with nothing set, and values outside the
 * documented bounds are refused at start-up with a readable error.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { configFromEnv, DEFAULT_DRAIN_SECONDS, type ServerConfig } from "../../../server/config.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const STATIC_DEFAULT = "dist/client";
const DATA_DEFAULT = "data/";

/** The README's settings table: variable → the default it documents. */
function readmeDefaults(): Map<string, string> {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf("| Variable | Default | Meaning |");
  expect(start, "the README's settings table").toBeGreaterThan(0);
  const rows = new Map<string, string>();
  for (const line of readme.slice(start).split("\n").slice(2)) {
    if (!line.startsWith("|")) break;
    const [names, defaults] = line
      .split("|")
      .slice(1, 3)
      .map((c) => c.trim());
    const vars = [...names!.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!);
    const values = defaults!.split(" / ");
    vars.forEach((v, i) => rows.set(v, values.length === vars.length ? values[i]! : defaults!));
  }
  return rows;
}

/** What the server uses for each variable, as the README writes it. */
const ACTUAL: Record<string, (c: ServerConfig) => unknown> = {
  PORT: (c) => c.port,
  HOST: (c) => c.host,
  TICK_RATE: (c) => c.tickRate,
  MATCH_SECONDS: (c) => c.matchSeconds,
  RESULTS_SECONDS: (c) => c.resultsSeconds,
  MIN_PLAYERS: (c) => c.minPlayers,
  MAP: (c) => c.quickPlayMap,
  ROOM_PLAYERS: (c) => c.largeRoomPlayers,
  LAG_COMPENSATION_MS: (c) => c.lagCompensationMs,
  DATA_DIR: (c) => c.dataDir,
  STATIC_DIR: (c) => c.staticDir,
  TRUST_PROXY: (c) => (c.limits!.trustProxy ? 1 : 0),
  MATCHMAKE_RATE_PER_ADDRESS: (c) => c.limits!.matchmakePerAddress.perSecond,
  MATCHMAKE_BURST_PER_ADDRESS: (c) => c.limits!.matchmakePerAddress.burst,
  MATCHMAKE_RATE_GLOBAL: (c) => c.limits!.matchmakeGlobal.perSecond,
  CREATE_RATE_PER_ADDRESS: (c) => c.limits!.createPerAddress.perSecond,
  CREATE_BURST_PER_ADDRESS: (c) => c.limits!.createPerAddress.burst,
  CREATE_RATE_GLOBAL: (c) => c.limits!.createGlobal.perSecond,
  MAX_ROOMS: (c) => c.limits!.maxRooms,
  MAX_CONNECTIONS_PER_ADDRESS: (c) => c.limits!.maxConnectionsPerAddress,
  MAX_CONNECTIONS: (c) => c.limits!.maxConnections,
  DATABASE_URL: (c) => c.databaseUrl,
  REDIS_URL: (c) => c.redisUrl,
  PUBLIC_ADDRESS: (c) => c.publicAddress,
  ADMIN_TOKEN: (c) => c.adminToken,
  QUICK_PLAY_MATCHMAKER: (c) => c.quickPlayMatchmaker,
  DRAIN_SECONDS: (c) => c.drainSeconds,
  MONITOR_PASSWORD: (c) => c.monitor?.password,
  MONITOR_USER: (c) => c.monitor?.user ?? "admin",
};

/** A README default as the value it stands for. */
function documented(text: string): unknown {
  if (text === "unset") return undefined;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

describe("the README's settings table", () => {
  const table = readmeDefaults();
  const defaults = configFromEnv({}, STATIC_DEFAULT, DATA_DEFAULT);

  it("lists every variable the server reads, and nothing else", () => {
    const undocumented = Object.keys(ACTUAL).filter((v) => !table.has(v));
    const unknown = [...table.keys()].filter((v) => !(v in ACTUAL) && v !== "JWT_SECRET");
    expect(undocumented, "read by the server, missing from the README").toEqual([]);
    expect(unknown, "in the README, unknown to this test").toEqual([]);
  });

  it.each([...table].filter(([v]) => v in ACTUAL))("gives %s its documented default (%s)", (variable, text) => {
    expect(ACTUAL[variable]!(defaults)).toEqual(documented(text));
  });

  it("derives the global bursts the table describes (twice and five times the rates)", () => {
    expect(defaults.limits!.matchmakeGlobal.burst).toBe(2 * defaults.limits!.matchmakeGlobal.perSecond);
    expect(defaults.limits!.createGlobal.burst).toBe(5 * defaults.limits!.createGlobal.perSecond);
  });
});

describe("the drain default as the other documents quote it", () => {
  // The README's table is checked above; these restate it in prose (PROTOCOL.md's /healthz
  // line, DEPLOY.md's drain and cluster sections), where a stale number went unnoticed once.
  it.each(["README.md", "docs/PROTOCOL.md", "docs/DEPLOY.md"])("%s", (file) => {
    const text = readFileSync(path.join(ROOT, file), "utf8");
    const quoted = [...text.matchAll(/DRAIN_SECONDS`?[^.;]{0,80}?\(default (\d+)/g)].map((m) => Number(m[1]));
    expect(quoted.length, `${file} quotes the drain default`).toBeGreaterThan(0);
    expect(new Set(quoted)).toEqual(new Set([DEFAULT_DRAIN_SECONDS]));
  });
});

describe("configFromEnv", () => {
  const config = (env: Record<string, string>): ServerConfig => configFromEnv(env, STATIC_DEFAULT, DATA_DEFAULT);

  it.each([
    ["TICK_RATE", "9"],
    ["TICK_RATE", "121"],
    ["TICK_RATE", "thirty"],
    ["ROOM_PLAYERS", "1"],
    ["ROOM_PLAYERS", "65"],
    ["MAP", "huge"],
    ["PORT", "65536"],
    ["PORT", "-1"],
    ["JWT_SECRET", "x".repeat(31)],
    ["ADMIN_TOKEN", "x".repeat(15)],
    ["REDIS_URL", "http://127.0.0.1:6379"],
    ["PUBLIC_ADDRESS", "https://game.example.com"],
    ["TRUST_PROXY", "yes"],
    ["MAX_ROOMS", "0"],
    ["QUICK_PLAY_MATCHMAKER", "random"],
  ])("refuses %s=%s with an error naming it", (variable, value) => {
    expect(() => config({ [variable]: value })).toThrow(new RegExp(`invalid environment:[\\s\\S]*${variable}`));
  });

  it("accepts the documented bounds and reads what it is given", () => {
    expect(config({ TICK_RATE: "10" }).tickRate).toBe(10);
    expect(config({ TICK_RATE: "120" }).tickRate).toBe(120);
    expect(config({ ROOM_PLAYERS: "2" }).largeRoomPlayers).toBe(2);
    expect(config({ MAP: "large" }).quickPlayMap).toBe("large");
    expect(config({ TRUST_PROXY: "1" }).limits!.trustProxy).toBe(true);
    expect(config({ PUBLIC_ADDRESS: "game.example.com/node-1" }).publicAddress).toBe("game.example.com/node-1");
    expect(config({ MATCHMAKE_RATE_GLOBAL: "50" }).limits!.matchmakeGlobal).toEqual({ perSecond: 50, burst: 100 });
    expect(config({ CREATE_RATE_GLOBAL: "2" }).limits!.createGlobal).toEqual({ perSecond: 2, burst: 10 });
  });

  it("serves no client with STATIC_DIR empty, and treats an empty number as unset", () => {
    expect(config({ STATIC_DIR: "" }).staticDir).toBeNull();
    expect(config({ STATIC_DIR: "/srv/game" }).staticDir).toBe("/srv/game");
    // PORT= (empty, as a shell or a .env file writes "unset") is the default port, not port 0.
    expect(config({ PORT: "" }).port).toBe(2567);
    expect(config({ TICK_RATE: "" }).tickRate).toBe(30);
  });
});
