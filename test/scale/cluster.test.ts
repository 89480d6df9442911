/**
 * Tick Arena as a cluster (issue 10): `scripts/cluster.ts` starts a redis-server, two game
 * server processes on it and nginx terminating TLS in front. 200 SDK bots quick-play through
 * `wss://` via nginx and play; then the cluster is checked the way an operator would: rooms on
 * both processes and none over cap, every bot receiving state, every lobby listing every room,
 * the server-wide channel reaching players and SSE readers on both processes, private codes and
 * reconnection across processes, `/metrics` agreeing with the bots connected, and no token in
 * nginx's logs.
 */
import { Client, type Room } from "@colyseus/sdk";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BotSwarm } from "../../bots/swarm.ts";
import type { LiveEvent } from "../../shared/live.ts";
import { MAX_PLAYERS, RANKED_MATCH_PLAYERS } from "../../shared/constants.ts";
import { RoomName } from "../../shared/protocol.ts";
import { ADMIN_TOKEN, startCluster, until, type Cluster } from "./cluster.ts";
import { parsePrometheusText } from "../prometheus-text.ts";
import { guestToken, readSse, roomsOfProcess } from "./helpers.ts";

const BOTS = 200;
const PLAY_MS = 20_000;

describe("a cluster of two processes behind nginx with TLS", () => {
  let cluster: Cluster;
  let swarm: BotSwarm;
  // The supervisor's folder (nginx's logs among it), ours so the last test can read them.
  const dir = mkdtempSync(path.join(os.tmpdir(), "tick-arena-cluster-test-"));

  beforeAll(async () => {
    cluster = await startCluster({ processes: 2, env: { CLUSTER_DIR: dir } });
  });

  afterAll(async () => {
    await swarm?.stop(3000);
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("seats 200 bots through wss:// on both processes, none over cap, all receiving state", async () => {
    swarm = new BotSwarm({ url: cluster.url, count: BOTS, seed: 10, namePrefix: "Scale", staggerMs: 20 });
    await swarm.start();
    const joined = swarm.bots.filter((b) => b.connected).length;
    expect(joined, "bots seated after their first join").toBe(BOTS);

    const started = Date.now();
    const ticksAt = new Map(swarm.bots.map((b) => [b.name, b.serverTick ?? -1]));
    while (Date.now() - started < PLAY_MS) {
      await new Promise((r) => setTimeout(r, 1000));
      const listings = [...(await cluster.listings()).values()].filter((l) => l.name === RoomName.Arena);
      for (const l of listings) expect(l.clients, `room ${l.roomId} over cap`).toBeLessThanOrEqual(l.maxClients);
    }
    const stillConnected = swarm.bots.filter((b) => b.connected);
    expect(stillConnected.length, "bots connected after 20 s").toBe(BOTS);
    const stalled = swarm.bots.filter((b) => (b.serverTick ?? -1) <= (ticksAt.get(b.name) ?? -1));
    expect(
      stalled.map((b) => b.name),
      "bots whose state stopped arriving",
    ).toEqual([]);

    // Rooms on both processes; bots per room within the cap.
    const listings = await cluster.listings();
    const health = await cluster.health();
    expect(health.processes).toHaveLength(2);
    for (const p of health.processes) {
      expect(
        roomsOfProcess(listings, p.processId, RoomName.Arena).length,
        `arenas on ${p.publicAddress}`,
      ).toBeGreaterThan(0);
    }
    const perRoom = new Map<string, number>();
    for (const b of swarm.bots) perRoom.set(b.roomId ?? "?", (perRoom.get(b.roomId ?? "?") ?? 0) + 1);
    for (const [roomId, n] of perRoom) {
      expect(listings.has(roomId), `bot room ${roomId} is listed`).toBe(true);
      expect(n, `bots in ${roomId}`).toBeLessThanOrEqual(MAX_PLAYERS);
    }
  });

  it("counts the bots in each process's /metrics (Prometheus text)", async () => {
    const listings = await cluster.listings();
    const health = await cluster.health();
    let total = 0;
    let seats = 0;
    for (const p of cluster.processes) {
      const text = await (await fetch(`${p.direct}/metrics`)).text();
      // Strict: throws on anything Prometheus would reject.
      const metrics = parsePrometheusText(text);
      const ccu = metrics.value("tick_arena_ccu");
      // Quick play's allocator seated every bot itself, none handed to Colyseus's joinOrCreate.
      seats += metrics.value("tick_arena_quick_play_seats_total");
      expect(metrics.value("tick_arena_quick_play_fallbacks_total"), `fallbacks on ${p.name}`).toBe(0);
      const entry = health.processes.find((h) => h.publicAddress.endsWith(`/${p.name}`));
      const botsHere = swarm.bots.filter((b) => {
        const l = listings.get(b.roomId ?? "");
        return l !== undefined && l.processId === entry?.processId;
      }).length;
      expect(ccu, `CCU of ${p.name} = its bots`).toBe(botsHere);
      total += ccu;
    }
    expect(total).toBe(BOTS);
    expect(seats, "quick-play seats across processes").toBeGreaterThanOrEqual(BOTS);
  });

  it("lists every arena in the lobby of either process", async () => {
    const listings = await cluster.listings();
    const arenas = new Set(
      [...listings.values()].filter((l) => l.name === RoomName.Arena && !l.private).map((l) => l.roomId),
    );
    const health = await cluster.health();
    // A lobby created through a process lives on that process (lobbies are local).
    const lobbies: Room[] = [];
    const lists: Promise<Set<string>>[] = [];
    const onProcess = new Set<string>();
    try {
      for (const p of cluster.processes) {
        const lobby = await new Client(p.routed).create(RoomName.Lobby);
        lobbies.push(lobby);
        lists.push(
          new Promise<Set<string>>((resolve) => {
            lobby.onMessage("rooms", (rooms: { roomId: string }[]) => resolve(new Set(rooms.map((r) => r.roomId))));
            lobby.onMessage("+", () => undefined);
            lobby.onMessage("-", () => undefined);
          }),
        );
        const where = (await cluster.listings()).get(lobby.roomId)?.processId;
        if (where !== undefined) onProcess.add(where);
      }
      expect(onProcess.size, "a lobby on each process").toBe(health.processes.length);
      for (const listed of await Promise.all(lists)) {
        expect(
          [...arenas].filter((id) => !listed.has(id)),
          "arenas missing from a lobby",
        ).toEqual([]);
      }
    } finally {
      await Promise.all(lobbies.map((l) => l.leave().catch(() => undefined)));
    }
  });

  it("carries an announcement published on one process to bots on both and to SSE readers", async () => {
    const sseViaNginx = readSse(`${cluster.url}/events`);
    const sseDirect = readSse(`${cluster.processes[1]!.direct}/events`);
    await Promise.all([sseViaNginx.opened, sseDirect.opened]);
    const before = new Map(swarm.bots.map((b) => [b.name, b.stats.liveEvents]));
    const res = await fetch(`${cluster.processes[0]!.direct}/admin/announce`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ text: "Scale test: hello every process" }),
    });
    expect(res.status).toBe(202);
    const isOurs = (e: LiveEvent) => e.text === "Scale test: hello every process";
    await until("both SSE readers", () => sseViaNginx.events.some(isOurs) && sseDirect.events.some(isOurs), 5000);
    await until("every bot", () => swarm.bots.every((b) => b.stats.liveEvents > (before.get(b.name) ?? 0)), 5000);
    sseViaNginx.close();
    sseDirect.close();
    // Refused without the token.
    const refused = await fetch(`${cluster.processes[1]!.direct}/admin/announce`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: "nope" }),
    });
    expect(refused.status).toBe(401);
  });

  it("joins a private room by code through the other process, and resumes a seat through either", async () => {
    const [a, b] = cluster.processes as [Cluster["processes"][0], Cluster["processes"][0]];
    const clientA = new Client(a.routed);
    clientA.auth.token = await guestToken(a.direct, "Host");
    const host = await clientA.create(RoomName.Arena, { private: true, name: "Host" });
    const code = host.roomId;
    const clientB = new Client(b.routed);
    clientB.auth.token = await guestToken(b.direct, "Guest");
    const guest = await clientB.joinById(code, { name: "Guest" });
    expect(guest.roomId).toBe(code);
    await until(
      "the guest's state",
      () => guest.state !== undefined && (guest.state as { players?: Map<string, unknown> }).players?.size === 2,
      5000,
    );

    // A page reload: the new page resumes with the token, asking the process that does not
    // hold the room first.
    const listing = (await cluster.listings()).get(code);
    const health = await cluster.health();
    const owner = health.processes.find((p) => p.processId === listing?.processId);
    const other = cluster.processes.find((p) => !owner?.publicAddress.endsWith(`/${p.name}`))!;
    const token = guest.reconnectionToken;
    const sessionId = guest.sessionId;
    guest.connection.close();
    const resumed = await new Client(other.routed).reconnect(token);
    expect(resumed.roomId).toBe(code);
    expect(resumed.sessionId, "the same seat (same ship)").toBe(sessionId);
    await resumed.leave();
    await host.leave();
  });

  it("seats a spectator of a room on one process, asked through the other, where the room is", async () => {
    const listings = [...(await cluster.listings()).values()].filter((l) => l.name === RoomName.Arena && !l.private);
    const target = listings[0]!;
    const health = await cluster.health();
    const owner = health.processes.find((p) => p.processId === target.processId)!;
    const other = cluster.processes.find((p) => !owner.publicAddress.endsWith(`/${p.name}`))!;
    const token = await guestToken(other.direct, "Watcher");
    const res = await fetch(`${other.direct}/spectate/${target.roomId}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const reservation = (await res.json()) as Parameters<Client["consumeSeatReservation"]>[0];
    expect(reservation.publicAddress, "the owning process's address").toBe(owner.publicAddress);
    // Through nginx's front door: the SDK connects where the reservation says.
    const watcher = await new Client(cluster.url).consumeSeatReservation(reservation);
    watcher.onMessage("*", () => undefined);
    try {
      expect(watcher.roomId).toBe(target.roomId);
      await until(
        "the spectator's state",
        () => ((watcher.state as { players?: Map<string, unknown> } | undefined)?.players?.size ?? 0) > 0,
        5000,
      );
    } finally {
      await watcher.leave();
    }
  });

  it("groups ranked players who queue through different processes into one match", async () => {
    const queued: Room[] = [];
    const seated: Room[] = [];
    try {
      const seats = await Promise.all(
        Array.from({ length: RANKED_MATCH_PLAYERS }, async (_, i) => {
          const via = cluster.processes[i % cluster.processes.length]!;
          const client = new Client(via.routed);
          client.auth.token = await guestToken(via.direct, `Ranked ${i + 1}`);
          const queue = await client.joinOrCreate(RoomName.Ranked);
          queued.push(queue);
          queue.onMessage("clients", () => undefined);
          return new Promise<Room>((resolve, reject) => {
            queue.onMessage("seat", (reservation: Parameters<Client["consumeSeatReservation"]>[0]) => {
              client.consumeSeatReservation(reservation).then((room) => {
                room.onMessage("*", () => undefined);
                seated.push(room);
                queue.send("confirm");
                resolve(room);
              }, reject);
            });
          });
        }),
      );
      const queues = new Set(queued.map((q) => q.roomId));
      expect(queues.size, "one ranked queue for the cluster").toBe(1);
      const matches = new Set(seats.map((r) => r.roomId));
      expect(matches.size, "one ranked match").toBe(1);
    } finally {
      // The server closes each queue socket after "confirm": leave only what is still open.
      const open = [...seated, ...queued].filter((r) => r.connection.isOpen);
      await Promise.all(open.map((r) => r.leave().catch(() => undefined)));
    }
  });

  it("keeps tokens out of nginx's logs (socket URLs carry ?_authToken= and ?reconnectionToken=)", () => {
    const access = readFileSync(path.join(dir, "nginx", "access.log"), "utf8");
    // The room sockets of the tests above, logged by path.
    expect(access).toMatch(/"GET \/node-[12]\/[^ ?"]+\/[^ ?"]+ HTTP\/1\.1" 101 /);
    for (const log of [access, readFileSync(path.join(dir, "nginx", "error.log"), "utf8")]) {
      expect(log).not.toMatch(/_authToken|reconnectionToken|eyJ[\w-]{10,}/);
    }
  });
});
