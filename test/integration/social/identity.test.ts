/**
 * Guest identity end to end: `POST /auth/guest` hands out a signed token with a stable player id
 * (renewed under the same id, even a while after it expired), and the arena refuses a join with
 * no token, a forged or tampered one, or an expired one, each with its own 401 message.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../../server/app.ts";
import { GuestTokens, loadTokenSecret } from "../../../server/identity/guest-tokens.ts";
import { nicknameProblem } from "../../../shared/names.ts";
import { RoomName } from "../../../shared/protocol.ts";
import { ArenaState } from "../../../shared/schema.ts";
import { startTestServer, waitFor } from "../harness.ts";
import { clientWithToken, leaveAllRooms, newGuest, postGuest, refusal, tempDir, watch } from "./social-helpers.ts";

const DAY_MS = 86_400_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let server: RunningServer;
let data: ReturnType<typeof tempDir>;

beforeAll(async () => {
  data = tempDir("tick-arena-identity-");
  server = await startTestServer({ dataDir: data.dir });
});

afterEach(async () => {
  await leaveAllRooms();
});

afterAll(async () => {
  await leaveAllRooms();
  await server?.stop();
  data?.remove();
});

/** The server's own signer, with its clock set `offsetMs` from now (tokens issued in the past). */
function signerAt(offsetMs: number): GuestTokens {
  const secret = loadTokenSecret(undefined, data.dir);
  return new GuestTokens(secret, { now: () => Date.now() + offsetMs });
}

/** `token` with its payload rewritten (the signature no longer matches). */
function tampered(token: string): string {
  const [header, payload, signature] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8")) as Record<string, unknown>;
  claims["sub"] = "00000000-0000-4000-8000-000000000000";
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
}

describe("POST /auth/guest", () => {
  it("issues a token with a new player id, the name asked for, and no rating yet", async () => {
    const before = Date.now();
    const { status, body } = await postGuest(server.url, { name: "Alice" });
    expect(status).toBe(200);
    expect(body["name"]).toBe("Alice");
    expect(body["playerId"]).toMatch(UUID);
    expect(typeof body["token"]).toBe("string");
    expect(body["games"]).toBe(0);
    // Unrated until the first ranked match.
    expect(body["rating"]).toBeNull();
    // Valid for about 30 days.
    const expiresAt = body["expiresAt"] as number;
    expect(expiresAt).toBeGreaterThan(before + 29 * DAY_MS);
    expect(expiresAt).toBeLessThan(Date.now() + 31 * DAY_MS);
    // Two guests never share a player id.
    const other = await postGuest(server.url, { name: "Alice" });
    expect(other.body["playerId"]).not.toBe(body["playerId"]);
  });

  it("reports the rating once the player has played a ranked match", async () => {
    const first = await postGuest(server.url, { name: "Ranker" });
    const playerId = first.body["playerId"] as string;
    const other = await postGuest(server.url, { name: "Rival" });
    await server.store.recordRankedMatch(`identity-test-${playerId}`, [
      { playerId, name: "Ranker", score: 3, kills: 3, deaths: 0 },
      { playerId: other.body["playerId"] as string, name: "Rival", score: -3, kills: 0, deaths: 3 },
    ]);
    const renewed = await postGuest(server.url, {}, first.body["token"] as string);
    expect(renewed.body["games"]).toBe(1);
    expect(renewed.body["rating"]).toBeGreaterThan(1200);
  });

  it("generates a valid name for an empty, blank or absent name", async () => {
    for (const body of [{ name: "" }, { name: "   " }, {}]) {
      const answer = await postGuest(server.url, body);
      expect(answer.status).toBe(200);
      const name = answer.body["name"] as string;
      expect(name.length).toBeGreaterThan(0);
      expect(nicknameProblem(name)).toBeNull();
    }
  });

  it("refuses an invalid name with 400 and a readable message", async () => {
    const cases: [unknown, RegExp][] = [
      ["<b>hi</b>", /^name: nickname may hold letters, digits, emoji/],
      ["x".repeat(40), /^name: nickname is longer than 16 characters$/],
      // 16 characters, but 176 UTF-16 code units: the reason says which limit it broke.
      ["👨‍👩‍👧‍👦".repeat(16), /^name: nickname is too long: .*96 UTF-16 code units/],
      [42, /^name: /],
    ];
    for (const [name, reason] of cases) {
      const answer = await postGuest(server.url, { name });
      expect(answer.status, JSON.stringify(name)).toBe(400);
      expect(answer.body["error"], JSON.stringify(name)).toMatch(reason);
    }
  });

  it("renews a token under the same player id, keeping or changing the name", async () => {
    const first = await postGuest(server.url, { name: "Renee" });
    const kept = await postGuest(server.url, {}, first.body["token"] as string);
    expect(kept.status).toBe(200);
    expect(kept.body["playerId"]).toBe(first.body["playerId"]);
    expect(kept.body["name"]).toBe("Renee");
    const renamed = await postGuest(server.url, { name: "Renata" }, kept.body["token"] as string);
    expect(renamed.body["playerId"]).toBe(first.body["playerId"]);
    expect(renamed.body["name"]).toBe("Renata");
  });

  it("renews a token that expired recently under the same player id", async () => {
    const old = await signerAt(-31 * DAY_MS).issue("Oldtimer");
    expect(old.expiresAt).toBeLessThan(Date.now());
    const renewed = await postGuest(server.url, {}, old.token);
    expect(renewed.status).toBe(200);
    expect(renewed.body["playerId"]).toBe(old.playerId);
    expect(renewed.body["name"]).toBe("Oldtimer");
    expect(renewed.body["expiresAt"] as number).toBeGreaterThan(Date.now() + 29 * DAY_MS);
  });

  it("refuses to renew a forged token or one expired long ago (401)", async () => {
    const ancient = await signerAt(-400 * DAY_MS).issue("Fossil");
    const expired = await postGuest(server.url, {}, ancient.token);
    expect(expired.status).toBe(401);
    expect(expired.body["error"]).toMatch(/^expired token: /);
    const good = await postGuest(server.url, { name: "Honest" });
    const forged = await postGuest(server.url, {}, tampered(good.body["token"] as string));
    expect(forged.status).toBe(401);
    expect(forged.body["error"]).toMatch(/^invalid token: /);
  });
});

describe("arena joins check the token", () => {
  it("seats a player with a valid token under the token's name and player id", async () => {
    const guest = await newGuest(server.url, "Tokened");
    const seat = watch(await guest.client.joinOrCreate(RoomName.Arena, {}, ArenaState));
    await waitFor(() => seat.self() !== undefined && seat.welcomes.length > 0, 3000, "own ship and welcome");
    expect(seat.self()!.name).toBe("Tokened");
    expect(seat.welcomes[0]).toMatchObject({ playerId: guest.playerId, role: "player", mode: "quick", code: null });
  });

  it("refuses a missing, a forged, a tampered and an expired token with three distinct 401 messages", async () => {
    const missing = await refusal(clientWithToken(server.url).joinOrCreate(RoomName.Arena, {}, ArenaState));
    expect(missing.code).toBe(401);
    expect(missing.message).toMatch(/^missing token: /);

    const garbage = await refusal(
      clientWithToken(server.url, "not.a.token").joinOrCreate(RoomName.Arena, {}, ArenaState),
    );
    expect(garbage.code).toBe(401);
    expect(garbage.message).toMatch(/^invalid token: /);

    // Signed with another secret: well-formed, but not ours.
    const foreign = await new GuestTokens(new Uint8Array(32).fill(7)).issue("Mallory");
    const forged = await refusal(
      clientWithToken(server.url, foreign.token).joinOrCreate(RoomName.Arena, {}, ArenaState),
    );
    expect(forged.code).toBe(401);
    expect(forged.message).toMatch(/^invalid token: /);

    const good = await postGuest(server.url, { name: "Victim" });
    const edited = await refusal(
      clientWithToken(server.url, tampered(good.body["token"] as string)).joinOrCreate(RoomName.Arena, {}, ArenaState),
    );
    expect(edited.code).toBe(401);
    expect(edited.message).toMatch(/^invalid token: /);

    const old = await signerAt(-31 * DAY_MS).issue("Latecomer");
    const expired = await refusal(clientWithToken(server.url, old.token).joinOrCreate(RoomName.Arena, {}, ArenaState));
    expect(expired.code).toBe(401);
    expect(expired.message).toMatch(/^expired token: /);

    expect(new Set([missing.message, forged.message, expired.message]).size).toBe(3);
  });

  it("refuses bad join options with 400 even with a valid token", async () => {
    const guest = await newGuest(server.url, "Options");
    const bad = await refusal(guest.client.joinOrCreate(RoomName.Arena, { name: "<b>x</b>" }, ArenaState));
    expect(bad.code).toBe(400);
    expect(bad.message).toMatch(/name/);
  });
});
