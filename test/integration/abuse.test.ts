/**
 * Bad input from one client closes that client alone: an unknown message type, a malformed
 * input frame, an oversized frame, a message flood, bad join options, and a join without a
 * (valid) guest token. A bystander keeps its ship, keeps moving and keeps receiving patches
 * throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../server/app.ts";
import { CloseCode, Protocol } from "@colyseus/shared-types";
import { DEFAULT_TICK_RATE, MAX_MESSAGES_PER_SECOND, MAX_PAYLOAD_BYTES } from "../../shared/constants.ts";
import { CloseCodes, INPUT_BATCH_CODE } from "../../shared/protocol.ts";
import { Client } from "@colyseus/sdk";
import { RoomName } from "../../shared/protocol.ts";
import { ArenaState } from "../../shared/schema.ts";
import {
  everyTick,
  freeAxis,
  guestClient,
  joinPlayer,
  sleep,
  startTestServer,
  waitFor,
  type TestPlayer,
  leaveAll,
} from "./harness.ts";

let server: RunningServer;
let bystander: TestPlayer;
const others: TestPlayer[] = [];

beforeAll(async () => {
  server = await startTestServer({ seed: 3 });
  bystander = await joinPlayer(server.url, "Bystander");
});

afterAll(async () => {
  await leaveAll([bystander, ...others]);
  await server.stop();
});

async function offender(name: string): Promise<TestPlayer> {
  const p = await joinPlayer(server.url, name);
  others.push(p);
  expect(p.room.roomId).toBe(bystander.room.roomId);
  await waitFor(() => bystander.room.state.players.has(p.id), 3000, `${name} to appear`);
  return p;
}

/** Asserts the bystander is still seated, still receives patches, and still moves. */
async function expectBystanderPlaysOn(): Promise<void> {
  expect(bystander.room.connection.isOpen).toBe(true);
  const start = { ...bystander.self()! };
  const tick = bystander.room.state.tick;
  const axis = freeAxis(start.x, start.y, 40);
  await everyTick(DEFAULT_TICK_RATE, 150, 1, () => bystander.send({ moveX: axis.dx, moveY: axis.dy }));
  await everyTick(DEFAULT_TICK_RATE, 150, 1, () => bystander.send({ moveX: -axis.dx, moveY: -axis.dy }));
  await waitFor(() => bystander.room.state.tick > tick + 5, 2000, "fresh patches");
  expect(bystander.room.state.tick).toBeGreaterThan(tick);
  expect(bystander.self()?.name).toBe("Bystander");
}

describe("protocol abuse", () => {
  it("closes a client that sends an unknown message type with 4002", async () => {
    const bad = await offender("Unknown");
    bad.room.send("teleport", { x: 0, y: 0 });
    expect(await bad.closed).toBe(CloseCodes.ProtocolError);
    await waitFor(() => !bystander.room.state.players.has(bad.id), 3000, "the offender's ship to go");
    await expectBystanderPlaysOn();
  });

  it("closes a client that sends a malformed input frame with 4002", async () => {
    const bad = await offender("Garbage");
    bad.send({ moveX: 1 }); // a good frame first, so the decoder is warm
    bad.room.connection.send(new Uint8Array([Protocol.ROOM_INPUT_RELIABLE, 0xff, 0xfe, 0x13, 0x37, 0xff, 0xff, 0x00]));
    expect(await bad.closed).toBe(CloseCodes.ProtocolError);
    await expectBystanderPlaysOn();
  });

  it.each([
    ["one frame (a batch holds 2 to 4)", (f: Uint8Array) => [INPUT_BATCH_CODE, f.length, ...f]],
    ["five frames", (f: Uint8Array) => [INPUT_BATCH_CODE, ...Array.from({ length: 5 }, () => [f.length, ...f]).flat()]],
    ["a length running past the end", (f: Uint8Array) => [INPUT_BATCH_CODE, f.length, ...f, f.length + 9, ...f]],
    [
      "a bad frame inside",
      (f: Uint8Array) => [INPUT_BATCH_CODE, f.length, ...f, 3, Protocol.ROOM_INPUT_RELIABLE, 0xff, 0xfe],
    ],
  ])("closes a client that sends a malformed input batch (%s) with 4002", async (_label, build) => {
    const bad = await offender("Batcher");
    // A real input frame, as the SDK encodes it, to build the batch from.
    const sent: Uint8Array[] = [];
    const transport = (bad.room.connection as unknown as { transport: { send(d: Uint8Array): void } }).transport;
    const send = transport.send.bind(transport);
    transport.send = (data: Uint8Array): void => {
      sent.push(Uint8Array.from(data));
      send(data);
    };
    bad.send({ moveX: 1 });
    transport.send = send;
    const frame = sent.find((d) => (d[0]! & 0x1f) === Protocol.ROOM_INPUT_RELIABLE);
    expect(frame, "the SDK's input frame").toBeDefined();
    bad.room.connection.send(new Uint8Array(build(frame!)));
    expect(await bad.closed).toBe(CloseCodes.ProtocolError);
    await waitFor(() => !bystander.room.state.players.has(bad.id), 3000, "the offender's ship to go");
    await expectBystanderPlaysOn();
  });

  it("closes the socket of a client that sends a frame over the payload limit", async () => {
    const bad = await offender("Oversized");
    const big = new Uint8Array(MAX_PAYLOAD_BYTES + 512).fill(7);
    big[0] = Protocol.ROOM_DATA;
    bad.room.connection.send(big);
    const code = await bad.closed;
    expect([1009, CloseCode.ABNORMAL_CLOSURE]).toContain(code);
    await waitFor(() => !bystander.room.state.players.has(bad.id), 3000, "the offender's ship to go");
    await expectBystanderPlaysOn();
  });

  it("closes a client that floods messages past the rate limit", async () => {
    const bad = await offender("Flood");
    for (let i = 0; i < MAX_MESSAGES_PER_SECOND * 2; i++) bad.send({ moveX: 1 });
    expect(await bad.closed).toBe(CloseCodes.ProtocolError);
    await expectBystanderPlaysOn();
  });

  it("rejects bad join options with a readable error and seats nobody", async () => {
    const client = await guestClient(server.url);
    await expect(
      client.joinOrCreate(RoomName.Arena, { name: "<script>alert(1)</script>" }, ArenaState),
    ).rejects.toThrow(/nickname/);
    await expect(client.joinOrCreate(RoomName.Arena, { name: 12345 }, ArenaState)).rejects.toThrow(/name/);
    // Quick play never opens a private room.
    await expect(client.joinOrCreate(RoomName.Arena, { private: true }, ArenaState)).rejects.toThrow(/private/);
    await sleep(100);
    expect(bystander.room.state.players.size).toBe(1);
    await expectBystanderPlaysOn();
  });

  it("refuses a join without a guest token, or with a forged one, with 401 and seats nobody", async () => {
    const anonymous = new Client(server.url);
    await expect(anonymous.joinOrCreate(RoomName.Arena, { name: "NoToken" }, ArenaState)).rejects.toMatchObject({
      code: 401,
      message: expect.stringMatching(/^missing token: /),
    });
    const forger = new Client(server.url);
    const real = (await guestClient(server.url)).auth.token!;
    // A well-formed token whose signature was not made by this server.
    const [head, body] = real.split(".");
    forger.auth.token = `${head}.${body}.${"A".repeat(43)}`;
    await expect(forger.joinOrCreate(RoomName.Arena, { name: "Forged" }, ArenaState)).rejects.toMatchObject({
      code: 401,
      message: expect.stringMatching(/^invalid token: /),
    });
    forger.auth.token = "not-a-token";
    await expect(forger.joinOrCreate(RoomName.Arena, { name: "Garbage" }, ArenaState)).rejects.toMatchObject({
      code: 401,
      message: expect.stringMatching(/^invalid token: /),
    });
    await sleep(100);
    expect(bystander.room.state.players.size).toBe(1);
    await expectBystanderPlaysOn();
  });
});
