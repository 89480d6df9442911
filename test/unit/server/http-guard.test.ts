/**
 * The matchmaking guard on plain Fetch requests: routes, rate limits, body caps, validation and
 * the 52x → 4xx mapping, without a server. The integration tests run the same on a live server.
 */
import { describe, expect, it } from "vitest";
import { FaultLog } from "../../../server/log/fault-log.ts";
import {
  ADDRESS_HEADER,
  HttpGuard,
  ROOM_LIMIT_MESSAGE,
  type OptionsValidator,
} from "../../../server/security/http-guard.ts";
import { DEFAULT_LIMITS, type ServerLimits } from "../../../server/security/limits.ts";

const quiet = { info() {}, warn() {}, error() {} };
/** A stand-in for the arena's rule: an object whose name is not an object; `private` only with create. */
const arena: OptionsValidator = (body, method) => {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, error: "invalid join options: not an object" };
  }
  const { name, private: isPrivate } = body as { name?: unknown; private?: unknown };
  if (typeof name === "object") return { ok: false, error: "invalid join options: name" };
  if (isPrivate === true && method !== "create") return { ok: false, error: "invalid join options: private" };
  return { ok: true, value: { name, ...(isPrivate === true ? { private: true } : {}) } };
};

/** The methods each validator was called with, in order. */
const calls: { validator: string; method: string }[] = [];

function guard(limits: Partial<ServerLimits> = {}, rooms = 0): HttpGuard {
  return new HttpGuard({
    limits: { ...DEFAULT_LIMITS, ...limits },
    validators: {
      arena: (body, method) => {
        calls.push({ validator: "arena", method });
        return arena(body, method);
      },
    },
    byIdValidator: (body, method) => {
      calls.push({ validator: "byId", method });
      return arena(body, method);
    },
    faults: new FaultLog({ sink: quiet }),
    roomCount: () => rooms,
  });
}

function post(path: string, body: string | null, address = "10.0.0.1", headers: Record<string, string> = {}): Request {
  return new Request(`http://localhost${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", [ADDRESS_HEADER]: address, ...headers },
    body,
  });
}

async function status(
  g: HttpGuard,
  request: Request,
): Promise<{ status: number; body: unknown } | Request | undefined> {
  const result = await g.onRequest(request);
  if (result instanceof Response) return { status: result.status, body: await result.json() };
  return result;
}

describe("HttpGuard.onRequest", () => {
  it("passes a valid join on with only the validated options", async () => {
    const out = await status(
      guard(),
      post("/matchmake/joinOrCreate/arena", JSON.stringify({ name: "Ann", sessionId: "x", __proto__: { a: 1 } })),
    );
    expect(out).toBeInstanceOf(Request);
    expect(await (out as Request).json()).toEqual({ name: "Ann" });
  });

  it("tells the room type's validator which method it checks, and checks joinById with the by-id one", async () => {
    const g = guard();
    calls.length = 0;
    const priv = JSON.stringify({ name: "Ann", private: true });
    const created = await status(g, post("/matchmake/create/arena", priv));
    expect(await (created as Request).json()).toEqual({ name: "Ann", private: true });
    expect(await status(g, post("/matchmake/joinOrCreate/arena", priv))).toMatchObject({
      status: 400,
      body: { error: "invalid join options: private", code: 400 },
    });
    expect(await status(g, post("/matchmake/joinById/ABCD", priv))).toMatchObject({ status: 400 });
    const byId = await status(g, post("/matchmake/joinById/ABCD", JSON.stringify({ name: "Bo", sessionId: "x" })));
    expect(await (byId as Request).json()).toEqual({ name: "Bo" });
    expect(calls).toEqual([
      { validator: "arena", method: "create" },
      { validator: "arena", method: "joinOrCreate" },
      { validator: "byId", method: "joinById" },
      { validator: "byId", method: "joinById" },
    ]);
    // A reconnection names a room id too, but carries a reconnection token, not join options.
    await status(g, post("/matchmake/reconnect/abc", JSON.stringify({ reconnectionToken: "tok_1" })));
    expect(calls).toHaveLength(4);
  });

  it("ignores routes other than matchmaking", async () => {
    expect(await guard().onRequest(new Request("http://localhost/healthz"))).toBeUndefined();
  });

  it("answers 404 for unknown methods, room types, ids and extra segments", async () => {
    const g = guard();
    for (const path of [
      "/matchmake/foo/arena",
      "/matchmake/joinOrCreate/nope",
      "/matchmake/joinById/..%2F..",
      "/matchmake/join/arena/x",
    ]) {
      expect(await status(g, post(path, "{}"))).toMatchObject({ status: 404 });
    }
  });

  it("answers 400 for bad JSON, bad options and a bad reconnection body", async () => {
    const g = guard();
    expect(await status(g, post("/matchmake/joinOrCreate/arena", "{nope"))).toMatchObject({ status: 400 });
    expect(await status(g, post("/matchmake/joinOrCreate/arena", JSON.stringify({ name: {} })))).toMatchObject({
      status: 400,
      body: { error: "invalid join options: name", code: 400 },
    });
    expect(await status(g, post("/matchmake/joinById/abc", "[1,2]"))).toMatchObject({ status: 400 });
    expect(
      await status(g, post("/matchmake/reconnect/abc", JSON.stringify({ reconnectionToken: { $ne: 1 } }))),
    ).toMatchObject({ status: 400 });
    const ok = await status(
      g,
      post("/matchmake/reconnect/abc", JSON.stringify({ reconnectionToken: "tok_123", extra: 1 })),
    );
    expect(await (ok as Request).json()).toEqual({ reconnectionToken: "tok_123" });
  });

  it("answers 413 for a body over the cap, declared or not", async () => {
    const g = guard({ maxBodyBytes: 100 });
    const big = JSON.stringify({ name: "x".repeat(200) });
    expect(
      await status(g, post("/matchmake/joinOrCreate/arena", big, "a", { "content-length": String(big.length) })),
    ).toMatchObject({ status: 413 });
    const chunked = new Request("http://localhost/matchmake/joinOrCreate/arena", {
      method: "POST",
      headers: { "content-type": "application/json", [ADDRESS_HEADER]: "b" },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode("x".repeat(50)));
          c.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(await status(g, chunked)).toMatchObject({ status: 413 });
  });

  it("rate-limits matchmaking per address with Retry-After", async () => {
    const g = guard({ matchmakePerAddress: { perSecond: 1, burst: 3 } });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await g.onRequest(post("/matchmake/joinOrCreate/arena", "{}", "1.2.3.4")));
    expect(answers.slice(0, 3).every((a) => a instanceof Request)).toBe(true);
    const refused = answers[3] as Response;
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await g.onRequest(post("/matchmake/joinOrCreate/arena", "{}", "5.6.7.8"))).toBeInstanceOf(Request);
  });

  it("limits room creation per address and by the room cap", async () => {
    const g = guard({ createPerAddress: { perSecond: 0.01, burst: 2 } });
    const codes = [];
    for (let i = 0; i < 4; i++) {
      const r = await g.onRequest(post("/matchmake/create/arena", "{}", "9.9.9.9"));
      codes.push(r instanceof Response ? r.status : 200);
    }
    expect(codes).toEqual([200, 200, 429, 429]);
    const full = guard({}, DEFAULT_LIMITS.maxRooms);
    expect(await status(full, post("/matchmake/create/arena", "{}"))).toMatchObject({ status: 503 });
  });
});

describe("HttpGuard.onResponse", () => {
  it("turns Colyseus's 52x matchmaking codes into the 4xx they mean, keeping the message", async () => {
    const g = guard();
    const cases: [number, number][] = [
      [520, 404],
      [521, 404],
      [522, 404],
      [524, 410],
      [525, 401],
      [523, 500],
    ];
    for (const [from, to] of cases) {
      const mapped = await g.onResponse(Response.json({ code: from, error: "why" }, { status: from }));
      expect(mapped?.status).toBe(to);
      expect(await mapped?.json()).toEqual({ error: "why", code: to });
    }
    expect(await g.onResponse(new Response("ok"))).toBeUndefined();
    expect(await g.onResponse(Response.json({ error: "still connected" }, { status: 409 }))).toBeUndefined();
  });
});

describe("HttpGuard answering matchmaking itself", () => {
  /** A guard whose matchmaking answers with `answer` (or throws it), recording what it was asked. */
  function answering(answer: unknown, throws = false) {
    const asked: { method: string; roomName: string; options: object; token: string | null }[] = [];
    const g = new HttpGuard({
      limits: DEFAULT_LIMITS,
      validators: { arena },
      byIdValidator: arena,
      faults: new FaultLog({ sink: quiet }),
      roomCount: () => 0,
      matchmake: async (method, roomName, options, request) => {
        asked.push({ method, roomName, options, token: request.headers.get("authorization") });
        if (throws) throw answer;
        return answer;
      },
    });
    return { g, asked };
  }

  it("answers the seat reservation as JSON, from the validated options and the request's token", async () => {
    const seat = { name: "arena", roomId: "r1", sessionId: "s1", processId: "p1" };
    const { g, asked } = answering(seat);
    const res = await g.onRequest(
      post("/matchmake/joinOrCreate/arena", JSON.stringify({ name: "Ann", extra: 1 }), "10.0.0.9", {
        authorization: "Bearer tok",
      }),
    );
    expect(res).toBeInstanceOf(Response);
    const response = res as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    const text = await response.text();
    expect(response.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
    expect(JSON.parse(text)).toEqual(seat);
    expect(asked).toEqual([
      { method: "joinOrCreate", roomName: "arena", options: { name: "Ann" }, token: "Bearer tok" },
    ]);
  });

  it("never asks matchmaking for a request the guard refuses", async () => {
    const { g, asked } = answering({});
    expect(await status(g, post("/matchmake/joinOrCreate/arena", JSON.stringify({ name: { x: 1 } })))).toMatchObject({
      status: 400,
    });
    expect(await status(g, post("/matchmake/joinOrCreate/nope", "{}"))).toMatchObject({ status: 404 });
    expect(asked).toEqual([]);
  });

  it("turns matchmaking errors into the statuses Colyseus's path gives them", async () => {
    const error = (code: number | undefined, message: string) => Object.assign(new Error(message), { code });
    const cases: [unknown, number, string][] = [
      [
        error(525, "invalid token: it was not issued by this server"),
        401,
        "invalid token: it was not issued by this server",
      ],
      [error(522, "room not found"), 404, "room not found"],
      [error(524, "seat expired"), 410, "seat expired"],
      [error(523, "boom"), 500, "boom"],
      [error(409, "this room is full"), 409, "this room is full"],
      [error(503, "draining"), 503, "draining"],
      [error(undefined, "no code"), 500, "no code"],
      [error(4213, "odd code"), 500, "odd code"],
    ];
    for (const [thrown, expected, message] of cases) {
      const { g } = answering(thrown, true);
      expect(await status(g, post("/matchmake/joinOrCreate/arena", "{}"))).toEqual({
        status: expected,
        body: { error: message, code: expected },
      });
    }
  });

  it("answers the room limit with 503 and Retry-After: 10, also when it came over IPC without its code", async () => {
    const limited = (code: number | undefined) => Object.assign(new Error(ROOM_LIMIT_MESSAGE), { code });
    // 503 from a room on this process; no code when the room refused to open on another.
    for (const thrown of [limited(503), limited(undefined)]) {
      const { g } = answering(thrown, true);
      const res = (await g.onRequest(post("/matchmake/joinOrCreate/arena", "{}"))) as Response;
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("10");
      expect(await res.json()).toEqual({ error: ROOM_LIMIT_MESSAGE, code: 503 });
    }
  });
});
