/**
 * A bot's life without a server (a scripted fake session, fake timers): it plays through the
 * session it was given, counts its kills, deaths and shots, notices the SDK resuming a drop,
 * rejoins with exponential backoff after an unexpected close, gives up after bounded tries,
 * and leaves cleanly when stopped, never rejoining after that.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backoffDelay, Bot, DEFAULT_BACKOFF, leftCleanly, type BotOptions } from "../../../bots/bot.ts";
import { BotSwarm } from "../../../bots/swarm.ts";
import { scriptedConnect, type JoinOutcome } from "./fake-session.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function botWith(outcomes: JoinOutcome[], extra: Partial<BotOptions> = {}) {
  const script = scriptedConnect(outcomes);
  const bot = new Bot({ url: "http://127.0.0.1:1", name: "Bot 1", seed: 1, connect: script.connect, ...extra });
  return { bot, ...script };
}

/** Steps the bot at 30 Hz for `ms` of fake time. */
async function play(bot: Bot, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 33) {
    await vi.advanceTimersByTimeAsync(33);
    bot.step(Date.now());
  }
}

describe("backoff", () => {
  it("doubles from 250 ms up to 5 s", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, DEFAULT_BACKOFF));
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
  });
});

describe("Bot", () => {
  it("joins, plays through its session and counts what happens", async () => {
    const { bot, sessions } = botWith(["ok"], { network: { lagMs: 100, jitterMs: 10 }, resume: { minUptimeMs: 0 } });
    expect(await bot.start()).toBe(true);
    expect(bot.state).toBe("playing");
    expect(bot.selfId).toBe("s1");
    const session = sessions[0]!;
    expect(session.options).toEqual({ network: { lagMs: 100, jitterMs: 10 }, reconnection: { minUptimeMs: 0 } });

    await play(bot, 1000);
    // One decision per step, handed to the session; the enemy in the open is shot at.
    expect(session.frames.length).toBeGreaterThanOrEqual(29);
    expect(session.frames.some((f) => f.fire && f.aimX > 0)).toBe(true);
    expect(bot.stats.shots).toBe(session.frames.filter((f) => f.fire).length);
    expect(bot.stats.ping).toBe(12);
    expect(bot.stats.distance).toBeGreaterThan(0);

    session.kill("s1", "enemy");
    session.kill("enemy", "s1");
    session.kill("enemy", "other");
    expect(bot.stats).toMatchObject({ kills: 1, deaths: 1 });
  });

  it("notices the SDK resuming a dropped connection", async () => {
    const { bot, sessions } = botWith(["ok"]);
    await bot.start();
    sessions[0]!.connection = "reconnecting";
    await play(bot, 100);
    expect(bot.connected).toBe(false);
    sessions[0]!.connection = "connected";
    await play(bot, 100);
    expect(bot.connected).toBe(true);
    expect(bot.stats).toMatchObject({ resumes: 1, reconnects: 1, joins: 1 });
  });

  it("rejoins with exponential backoff after an unexpected close", async () => {
    const { bot, sessions, calls } = botWith(["ok", new Error("refused"), new Error("refused"), "ok"]);
    await bot.start();
    const t0 = Date.now();
    sessions[0]!.close(1006);
    expect(bot.state).toBe("rejoining");
    await vi.advanceTimersByTimeAsync(250 + 500 + 1000 + 10);
    // Attempts 250 ms, then 500 ms and 1000 ms after each failure.
    expect(calls.slice(1).map((t) => t - t0)).toEqual([250, 750, 1750]);
    expect(bot.state).toBe("playing");
    expect(bot.selfId).toBe("s2");
    expect(sessions[0]!.disposed).toBe(true);
    expect(bot.stats).toMatchObject({ joins: 2, joinsFailed: 2, reconnects: 1, lastCloseCode: 1006 });
  });

  it("gives up after the bounded number of attempts", async () => {
    const refusals = Array.from({ length: 10 }, () => new Error("refused"));
    const { bot, calls } = botWith(refusals, { backoff: { maxAttempts: 3 } });
    const started = bot.start();
    await vi.advanceTimersByTimeAsync(250 + 500 + 10);
    expect(await started).toBe(false);
    expect(bot.state).toBe("failed");
    expect(calls).toHaveLength(3);
    expect(bot.stats).toMatchObject({ joins: 0, joinsFailed: 3, lastError: "refused" });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(3);
  });

  it("counts a join that hangs as failed and leaves the late seat", async () => {
    const { bot, sessions } = botWith([{ lateMs: 20_000 }, "ok"], { joinTimeoutMs: 1000 });
    const started = bot.start();
    await vi.advanceTimersByTimeAsync(1000 + 250 + 10);
    expect(await started).toBe(true);
    expect(bot.selfId).toBe("s2");
    expect(bot.stats.joinsFailed).toBe(1);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(sessions[0]!.disposed).toBe(true);
    expect(sessions[1]!.disposed).toBe(false);
  });

  it("leaves cleanly when stopped and never rejoins", async () => {
    const { bot, sessions, calls } = botWith(["ok"]);
    await bot.start();
    await play(bot, 200);
    const stopped = bot.stop();
    await vi.advanceTimersByTimeAsync(10);
    await stopped;
    expect(sessions[0]!.left).toBe(true);
    expect(sessions[0]!.disposed).toBe(true);
    expect(bot.state).toBe("stopped");
    expect(bot.stats.lastCloseCode).toBe(4000);
    expect(leftCleanly(bot)).toBe(true);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls).toHaveLength(1);
  });

  it("stops while waiting to rejoin", async () => {
    const { bot, sessions, calls } = botWith(["ok", new Error("refused")]);
    await bot.start();
    sessions[0]!.close(4001);
    await vi.advanceTimersByTimeAsync(300);
    expect(calls).toHaveLength(2);
    await bot.stop();
    expect(bot.state).toBe("stopped");
    expect(leftCleanly(bot)).toBe(false);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls).toHaveLength(2);
  });
});

describe("BotSwarm", () => {
  it("starts its bots staggered, drives them from one timer and stops them all", async () => {
    const script = scriptedConnect([]);
    const swarm = new BotSwarm({
      url: "http://127.0.0.1:1",
      count: 3,
      seed: 9,
      staggerMs: 100,
      connect: script.connect,
    });
    expect(swarm.bots.map((b) => b.name)).toEqual(["Bot 1", "Bot 2", "Bot 3"]);
    const started = swarm.start();
    await vi.advanceTimersByTimeAsync(250);
    await started;
    expect(script.calls.map((t) => t - script.calls[0]!)).toEqual([0, 100, 200]);
    expect(swarm.progress()).toMatchObject({ connected: 3, everConnected: 3, target: 3, medianPing: 12 });

    await vi.advanceTimersByTimeAsync(1000);
    for (const s of script.sessions) expect(s.frames.length).toBeGreaterThan(20);
    // The room tells every client.
    for (const s of script.sessions) s.kill("s1", "s2");
    expect(swarm.progress()).toMatchObject({ kills: 1, deaths: 1 });

    const stopping = swarm.stop();
    await vi.advanceTimersByTimeAsync(10);
    await stopping;
    expect(swarm.bots.every(leftCleanly)).toBe(true);
    const frames = script.sessions.map((s) => s.frames.length);
    await vi.advanceTimersByTimeAsync(1000);
    expect(script.sessions.map((s) => s.frames.length)).toEqual(frames);
  });

  it("cancels joins not yet begun when stopped early", async () => {
    const script = scriptedConnect([]);
    const swarm = new BotSwarm({
      url: "http://127.0.0.1:1",
      count: 4,
      seed: 9,
      staggerMs: 1000,
      connect: script.connect,
    });
    const started = swarm.start();
    await vi.advanceTimersByTimeAsync(1100);
    const stopping = swarm.stop();
    await vi.advanceTimersByTimeAsync(10);
    await Promise.all([stopping, started]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(script.calls).toHaveLength(2);
  });
});
