/**
 * `@colyseus/monitor` at /monitor/ (server/ops/monitor.ts): off unless MONITOR_PASSWORD is set;
 * every endpoint behind basic auth; its "call any room method" endpoint limited to the two
 * methods its page needs; a weak password refused in production.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../server/app.ts";
import { configFromEnv } from "../../server/config.ts";
import { monitorRoutes, weakMonitorPassword } from "../../server/ops/monitor.ts";
import { joinPlayer, startTestServer, type TestPlayer } from "./harness.ts";

const USER = "ops";
const PASSWORD = "correct-horse-battery-staple";
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("the monitor behind basic auth", () => {
  let server: RunningServer;
  let player: TestPlayer;

  beforeAll(async () => {
    server = await startTestServer({ monitor: { user: USER, password: PASSWORD, production: true } });
    player = await joinPlayer(server.url, "Watched");
  });

  afterAll(async () => {
    await player?.room.leave().catch(() => undefined);
    await server?.stop();
  });

  it("answers 401 without or with wrong credentials, on the API and the page", async () => {
    for (const path of ["/monitor/api", "/monitor/", "/monitor/api/room/call?roomId=x&method=lock&args=[]"]) {
      expect((await fetch(`${server.url}${path}`)).status, path).toBe(401);
      const wrong = await fetch(`${server.url}${path}`, { headers: { Authorization: basic(USER, "nope") } });
      expect(wrong.status, path).toBe(401);
    }
  });

  it("lists the rooms with the right credentials", async () => {
    const res = await fetch(`${server.url}/monitor/api`, { headers: { Authorization: basic(USER, PASSWORD) } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rooms: { roomId: string }[] };
    expect(body.rooms.map((r) => r.roomId)).toContain(player.room.roomId);
  });

  it("refuses room methods other than the page's two, even with credentials", async () => {
    const roomId = player.room.roomId;
    for (const method of ["disconnect", "lock", "_editStateProperty", "onDispose"]) {
      const res = await fetch(`${server.url}/monitor/api/room/call?roomId=${roomId}&method=${method}&args=[]`, {
        headers: { Authorization: basic(USER, PASSWORD) },
      });
      expect(res.status, method).toBe(403);
    }
    // Still in the room: nothing was called.
    expect(player.room.connection.isOpen).toBe(true);
  });
});

describe("monitor settings", () => {
  it("is off unless MONITOR_PASSWORD is set", () => {
    expect(configFromEnv({}, null).monitor).toBeUndefined();
    expect(configFromEnv({ MONITOR_PASSWORD: PASSWORD }, null).monitor).toEqual({
      user: "admin",
      password: PASSWORD,
      production: false,
    });
  });

  it("refuses to start with a default or short password in production", async () => {
    expect(weakMonitorPassword("admin", "admin")).not.toBeNull();
    expect(weakMonitorPassword("admin", "colyseus")).not.toBeNull();
    expect(weakMonitorPassword("admin", "short-one")).not.toBeNull();
    expect(weakMonitorPassword("admin", PASSWORD)).toBeNull();
    await expect(monitorRoutes({ user: "admin", password: "admin", production: true })).rejects.toThrow(/refusing/);
    const lines: string[] = [];
    await monitorRoutes({ user: "admin", password: "admin", production: false, log: (l) => lines.push(l) });
    expect(lines.join("\n")).toMatch(/monitor-weak-password/);
  });
});
