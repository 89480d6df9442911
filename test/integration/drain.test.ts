/**
 * Draining a process (SIGTERM in production: `RunningServer.drain()` then `stop()`): matchmaking
 * answers 503 at once (a proxy retries another process), `/healthz` says "draining" with 503 (a
 * load balancer takes it out), and the players already seated keep playing until the rooms
 * close, told why in the chat, with close code 4001.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../server/app.ts";
import { DRAINING_MESSAGE } from "../../server/security/http-guard.ts";
import { CloseCodes, RoomName } from "../../shared/protocol.ts";
import { guestToken, joinPlayer, startTestServer, waitFor, type TestPlayer } from "./harness.ts";

describe("draining", () => {
  let server: RunningServer;
  let player: TestPlayer;

  beforeAll(async () => {
    server = await startTestServer();
    player = await joinPlayer(server.url, "Stayer");
  });

  afterAll(async () => {
    await server?.stop().catch(() => undefined);
  });

  it("refuses new seats with 503 and reports draining on /healthz, while seated players play on", async () => {
    const token = await guestToken(server.url, "Late");
    await server.drain();
    const res = await fetch(`${server.url}/matchmake/joinOrCreate/${RoomName.Arena}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: "Late" }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(((await res.json()) as { error: string }).error).toBe(DRAINING_MESSAGE);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { status: string }).status).toBe("draining");
    // The seated player is still in play: patches keep coming.
    const tick = player.room.state.tick;
    await waitFor(() => player.room.state.tick > tick + 5, 2000, "patches while draining");
  });

  it("closes the rooms with 4001 after telling the players why", async () => {
    const closed = player.closed;
    await server.stop();
    expect(await closed).toBe(CloseCodes.ServerShutdown);
    expect(player.chat.some((l) => l.kind === "system" && /restarting/.test(l.text))).toBe(true);
  });
});
