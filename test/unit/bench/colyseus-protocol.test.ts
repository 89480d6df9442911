/**
 * The light client's Colyseus 0.18 protocol pieces against the real thing: URLs as the SDK builds
 * them from a seat reservation, the matchmaking headers with a guest token as the SDK sends
 * them, and JOIN_ROOM / ERROR messages as the server encodes them.
 */
import { getMessageBytes } from "@colyseus/core";
import { encode } from "@colyseus/schema";
import { Client } from "@colyseus/sdk";
import { HandshakeSection, InputFlags, Protocol, type ISeatReservation } from "@colyseus/shared-types";
import { describe, expect, it } from "vitest";
import {
  endpointSettings,
  guestTokenUrl,
  httpEndpoint,
  isSeatReservation,
  matchmakeHeaders,
  matchmakeUrl,
  parseErrorMessage,
  parseJoinRoom,
  roomEndpoint,
} from "../../../bench/light/colyseus-protocol.ts";
import { tokenFor } from "../../../bench/light/guest-tokens.ts";

/** The SDK's own endpoint builders (protected methods). */
interface SdkInternals {
  buildEndpoint(reservation: ISeatReservation, options: Record<string, string>): string;
  getHttpEndpoint(path: string): string;
}
const sdk = (url: string) => new Client(url) as unknown as SdkInternals;
/** An SDK client holding a guest token, as every arena player now does. */
function sdkWithToken(url: string, token: string): SdkInternals {
  const client = new Client(url);
  client.auth.token = token;
  return client as unknown as SdkInternals;
}
/** A guest token's shape (a JWT: base64url parts and dots). */
const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl-_";

const reservation: ISeatReservation = { name: "arena", sessionId: "s_1-Ab", roomId: "Rm9x", processId: "pRoC" };

describe("room endpoint", () => {
  const bases = [
    "http://127.0.0.1:2567",
    "http://127.0.0.1:2567/",
    "https://arena.example.com",
    "https://arena.example.com:8443/game/",
    "http://localhost:80/sub?region=eu",
    "ws://[::1]:3000",
  ];

  it.each(bases)("matches the SDK's buildEndpoint for %s", (base) => {
    const ours = roomEndpoint(endpointSettings(base), reservation, { skipHandshake: false });
    expect(ours).toBe(sdk(base).buildEndpoint(reservation, { sessionId: reservation.sessionId }));
  });

  it("uses the public address and forwards a reconnection token like the SDK", () => {
    const r = { ...reservation, publicAddress: "node-2.example.com/colyseus", reconnectionToken: "tok" };
    for (const base of bases) {
      const ours = roomEndpoint(endpointSettings(base), r, { skipHandshake: false });
      const theirs = sdk(base).buildEndpoint(r, { sessionId: r.sessionId, reconnectionToken: "tok" });
      expect(ours).toBe(theirs);
    }
  });

  it("appends skipHandshake=1 like Room.connect with a root schema", () => {
    const url = roomEndpoint(endpointSettings("http://127.0.0.1:2567"), reservation, { skipHandshake: true });
    expect(url).toBe("ws://127.0.0.1:2567/pRoC/Rm9x?sessionId=s_1-Ab&skipHandshake=1");
  });

  it.each(bases.filter((b) => b.startsWith("http")))("matchmakes where the SDK does for %s", (base) => {
    expect(matchmakeUrl(endpointSettings(base), "joinOrCreate", "arena")).toBe(
      sdk(base).getHttpEndpoint("/matchmake/joinOrCreate/arena"),
    );
  });

  it.each(bases.filter((b) => b.startsWith("http")))("asks for guest tokens where the SDK would for %s", (base) => {
    expect(guestTokenUrl(endpointSettings(base))).toBe(sdk(base).getHttpEndpoint("/auth/guest"));
    expect(httpEndpoint(endpointSettings(base), "auth/guest")).toBe(guestTokenUrl(endpointSettings(base)));
  });

  it.each(bases)("forwards the guest token on the room socket like the SDK for %s", (base) => {
    const ours = roomEndpoint(endpointSettings(base), reservation, { skipHandshake: false, authToken: TOKEN });
    expect(ours).toBe(sdkWithToken(base, TOKEN).buildEndpoint(reservation, { sessionId: reservation.sessionId }));
    const r = { ...reservation, reconnectionToken: "tok" };
    expect(roomEndpoint(endpointSettings(base), r, { skipHandshake: false, authToken: TOKEN })).toBe(
      sdkWithToken(base, TOKEN).buildEndpoint(r, { sessionId: r.sessionId, reconnectionToken: "tok" }),
    );
  });

  it("puts skipHandshake after the token, as Room.connect appends it", () => {
    const url = roomEndpoint(endpointSettings("http://127.0.0.1:2567"), reservation, {
      skipHandshake: true,
      authToken: TOKEN,
    });
    expect(url).toBe(`ws://127.0.0.1:2567/pRoC/Rm9x?sessionId=s_1-Ab&_authToken=${TOKEN}&skipHandshake=1`);
  });
});

describe("matchmaking headers", () => {
  it("sends JSON, and the guest token as a Bearer token when there is one", () => {
    expect(matchmakeHeaders(null)).toStrictEqual({ Accept: "application/json", "Content-Type": "application/json" });
    expect(matchmakeHeaders(TOKEN)).toStrictEqual({
      Accept: "application/json",
      "Content-Type": "application/json",
      Authorization: `Bearer ${TOKEN}`,
    });
  });

  it("writes the Authorization header the SDK writes for client.auth.token", async () => {
    const seen: Headers[] = [];
    const client = new Client("http://127.0.0.1:2567");
    client.auth.token = TOKEN;
    const http = client.http as unknown as { _fetchFn: typeof fetch };
    http._fetchFn = (_url, init) => {
      seen.push(new Headers(init?.headers));
      return Promise.resolve(Response.json({ error: "stop here" }, { status: 418 }));
    };
    await expect(client.joinOrCreate("arena", { name: "Ann" })).rejects.toThrow();
    expect(seen).toHaveLength(1);
    const ours = new Headers(matchmakeHeaders(TOKEN));
    expect(seen[0]!.get("authorization")).toBe(ours.get("authorization"));
    expect(seen[0]!.get("content-type")).toBe(ours.get("content-type"));
    expect(seen[0]!.get("accept")).toBe(ours.get("accept"));
  });
});

describe("prefetched guest tokens", () => {
  it("hands client i token i, round-robin past the end, and none from an empty list", () => {
    const tokens = ["a", "b", "c"];
    expect([0, 1, 2, 3, 4, 7].map((i) => tokenFor(tokens, i))).toEqual(["a", "b", "c", "a", "b", "b"]);
    expect(tokenFor([], 5)).toBeNull();
  });
});

describe("seat reservation check", () => {
  it("accepts a reservation and rejects anything else", () => {
    expect(isSeatReservation(reservation)).toBe(true);
    expect(isSeatReservation({ ...reservation, publicAddress: "x:1" })).toBe(true);
    expect(isSeatReservation(null)).toBe(false);
    expect(isSeatReservation({ error: "nope" })).toBe(false);
    expect(isSeatReservation({ ...reservation, roomId: 7 })).toBe(false);
  });
});

describe("JOIN_ROOM", () => {
  function inputOptions(flags: number, ...values: number[]): { tag: number; bytes: Uint8Array } {
    const buf = new Uint8Array(32);
    const it = { offset: 0 };
    buf[it.offset++] = flags;
    for (const v of values) encode.number(buf as Buffer, v, it);
    return { tag: HandshakeSection.INPUT_OPTIONS, bytes: buf.subarray(0, it.offset) };
  }

  it("reads token, serializer and input options, skipping reflection and other sections", () => {
    const reflection = new Uint8Array(300).fill(9);
    const bytes = getMessageBytes[Protocol.JOIN_ROOM]("tokenXYZ", "schema", reflection, [
      { tag: HandshakeSection.INPUT_REFLECTION, bytes: new Uint8Array(40).fill(2) },
      inputOptions(InputFlags.FIXED_TIMESTEP | InputFlags.PATCH_RATE, 30, 50),
      { tag: 99, bytes: new Uint8Array([1, 2, 3]) },
    ]);
    expect(parseJoinRoom(bytes)).toStrictEqual({
      reconnectionToken: "tokenXYZ",
      serializerId: "schema",
      inputFlags: InputFlags.FIXED_TIMESTEP | InputFlags.PATCH_RATE,
      tickRate: 30,
      patchRateMs: 50,
    });
  });

  it("reports stamp flags, which the light client refuses", () => {
    const bytes = getMessageBytes[Protocol.JOIN_ROOM]("t", "schema", undefined, [
      inputOptions(InputFlags.RECKON_TIME | InputFlags.PATCH_RATE, 50),
    ]);
    const info = parseJoinRoom(bytes);
    expect(info.inputFlags & InputFlags.RECKON_TIME).toBeTruthy();
    expect(info.patchRateMs).toBe(50);
    expect(info.tickRate).toBeUndefined();
  });

  it("reads a handshake without sections (a room with no input)", () => {
    const info = parseJoinRoom(getMessageBytes[Protocol.JOIN_ROOM]("t", "schema", undefined, undefined));
    expect(info).toMatchObject({ reconnectionToken: "t", serializerId: "schema", inputFlags: 0 });
  });
});

describe("ERROR", () => {
  it("reads the code and message", () => {
    expect(parseErrorMessage(getMessageBytes[Protocol.ERROR](4212, "seat expired"))).toStrictEqual({
      code: 4212,
      message: "seat expired",
    });
  });
});
