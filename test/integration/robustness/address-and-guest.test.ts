/**
 * The client address the per-address limits key on, and `POST /auth/guest`'s own promises, end to
 * end against a real server on loopback:
 * - `TRUST_PROXY` (README, server settings; docs/DEPLOY.md, "put it on the internet" and the nginx
 *   notes): unset (0), `X-Real-IP` is the client's to choose, so a client that spoofs a new one
 *   (and new `X-Forwarded-For` / `X-Client-IP`) on every request is still limited by its socket's
 *   address; with `TRUST_PROXY=1` the address is `X-Real-IP` (nginx overwrites it), so requests
 *   carrying different values are limited separately and one value is limited together, whatever
 *   `X-Forwarded-For` says. Both the matchmaking routes (Colyseus's router, `http-guard.ts`) and
 *   the API routes (express, `player-api.ts`) are checked: they find the address in two places;
 *   so are the other two per-address limits of PROTOCOL.md, open WebSockets (refused with 429 at
 *   the upgrade) and rooms made with `create`.
 * - `POST /auth/guest` (docs/PROTOCOL.md, HTTP routes): a body of at most 1 KiB (1024 bytes: 1024
 *   is taken, 1025 refused, declared or chunked), 429 over the matchmaking rate limit, and the
 *   documented 400 shape for a 17-character name. Renewal under the old token's player id and 401
 *   for a bad old token are tested in test/integration/social/identity.test.ts.
 *
 * The servers are started from the README's environment variables (`configFromEnv`) with the
 * per-address matchmaking burst lowered to 5 and a refill too slow to matter during a test, so
 * the limit is reached in a few requests. Every test gets a fresh server (a few ms to start), so
 * no test spends another's budget: all requests come from 127.0.0.1. The matchmaking request
 * used is `POST /matchmake/joinOrCreate/<unknown room>`: it passes the limiter before its room
 * type is checked, so it answers 404 while the address has budget and 429 once it has none,
 * without seating anyone. The doc's numbers are written out here, not imported.
 */
import http, { type IncomingHttpHeaders } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunningServer } from "../../../server/app.ts";
import { configFromEnv } from "../../../server/config.ts";
import type { ServerLimits } from "../../../server/security/limits.ts";
import { startTestServer } from "../harness.ts";
import { rawUpgrade, type UpgradeAttempt } from "./raw-http.ts";

/** The per-address matchmaking burst these servers run with (`MATCHMAKE_BURST_PER_ADDRESS`). */
const BURST = 5;
/** Their refill (`MATCHMAKE_RATE_PER_ADDRESS`): a token per 100 s, nothing within a test. */
const RATE = 0.01;
/** PROTOCOL.md, HTTP routes: `POST /auth/guest`'s body, "at most 1 KiB". */
const GUEST_BODY_MAX_BYTES = 1024;

/** A matchmaking request that goes through the limiter and seats nobody. */
const MATCHMAKE_PATH = "/matchmake/joinOrCreate/no-such-room";
const GUEST_PATH = "/auth/guest";

/** What a request heard. */
interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

interface PostOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Send the body chunked, without a Content-Length. */
  readonly chunked?: boolean;
}

/** One POST on a connection of its own (node:http: the exact headers and framing are ours). */
function post(url: string, path: string, options: PostOptions = {}): Promise<Answer> {
  const { hostname, port } = new URL(url);
  const body = Buffer.from(options.body ?? "{}", "utf8");
  const headers: Record<string, string> = {
    "content-type": "application/json",
    ...options.headers,
    ...(options.chunked === true ? { "transfer-encoding": "chunked" } : { "content-length": String(body.length) }),
  };
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path, method: "POST", headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text) as unknown;
        } catch {
          // Keep the text: the assertions show it.
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    req.on("error", reject);
    req.setTimeout(5000, () => req.destroy(new Error(`POST ${path}: no answer within 5 s`)));
    if (options.chunked === true) {
      // Two chunks, so the server cannot take the size from the first.
      const half = Math.floor(body.length / 2);
      req.write(body.subarray(0, half));
      req.end(body.subarray(half));
    } else {
      req.end(body);
    }
  });
}

/** Open WebSockets per address these servers allow (`MAX_CONNECTIONS_PER_ADDRESS`). */
const SOCKETS = 3;
/** Their `create` burst per address (`CREATE_BURST_PER_ADDRESS`), with the same slow refill. */
const CREATES = 2;

/** The limits of a server started with `env` plus the small bursts of these tests. */
function limitsFrom(env: Record<string, string>): ServerLimits {
  const limits = configFromEnv(
    {
      ...env,
      MATCHMAKE_RATE_PER_ADDRESS: String(RATE),
      MATCHMAKE_BURST_PER_ADDRESS: String(BURST),
      MAX_CONNECTIONS_PER_ADDRESS: String(SOCKETS),
      CREATE_RATE_PER_ADDRESS: String(RATE),
      CREATE_BURST_PER_ADDRESS: String(CREATES),
    },
    null,
  ).limits;
  if (limits === undefined) throw new Error("configFromEnv gave no limits");
  return limits;
}

/** Headers a client (not a proxy) made up: a new address in each, `i` picks which. */
function spoofed(i: number): Record<string, string> {
  return {
    "X-Real-IP": `203.0.113.${i + 1}`,
    "X-Forwarded-For": `198.51.100.${i + 1}`,
    "X-Client-IP": `192.0.2.${i + 1}`,
  };
}

/** Expects a limiter's 429 with the body `{ error, code: 429 }` and a Retry-After. */
function expectLimited(answer: Answer, error: string, what: string): void {
  expect(answer.status, what).toBe(429);
  expect(answer.body, what).toEqual({ error, code: 429 });
  expect(Number(answer.headers["retry-after"]), what).toBeGreaterThanOrEqual(1);
}

/** Expects the matchmaking limiter's 429. */
function expectMatchmakeLimited(answer: Answer, what: string): void {
  expectLimited(answer, "too many matchmaking requests; slow down", what);
}

/** Expects the API routes' 429 (player-api.ts). */
function expectGuestLimited(answer: Answer, what: string): void {
  expectLimited(answer, "too many requests; slow down", what);
}

/** Expects a matchmaking request that passed the limiter (404: the room type is unknown). */
function expectMatchmakePassed(answer: Answer, what: string): void {
  expect(answer.status, what).toBe(404);
  expect(answer.body, what).toEqual({ error: 'unknown room type "no-such-room"', code: 404 });
}

/** `create` with no token: past the create limit it is refused 429, under it 401 (no room made). */
const CREATE_PATH = "/matchmake/create/arena";

/** Expects the create limiter's 429. */
function expectCreateLimited(answer: Answer, what: string): void {
  expectLimited(answer, "too many rooms created; slow down", what);
}

/** Expects a `create` that passed the create limiter: Colyseus then asks for the token. */
function expectCreatePassed(answer: Answer, what: string): void {
  expect(answer.status, what).toBe(401);
}

let server: RunningServer | undefined;
/** Accepted upgrades, held open by the tests that make them. */
const upgrades: UpgradeAttempt[] = [];

/** A WebSocket upgrade to a made-up room, `headers` added: the per-address cap is checked first. */
async function upgrade(headers: Record<string, string> = {}): Promise<number> {
  const { port } = new URL(server!.url);
  const attempt = await rawUpgrade(
    Number(port),
    `/no-such-process/no-such-room?sessionId=S${upgrades.length}`,
    5000,
    headers,
  );
  if (attempt.status === 101) upgrades.push(attempt);
  else expect(Number(attempt.headers.get("retry-after")), "Retry-After of a refused upgrade").toBeGreaterThanOrEqual(1);
  return attempt.status;
}

afterEach(async () => {
  for (const u of upgrades.splice(0)) u.socket.destroy();
  await server?.stop();
  server = undefined;
});

describe("TRUST_PROXY unset (README: default 0): the limits key on the socket's address", () => {
  beforeEach(async () => {
    const limits = limitsFrom({});
    expect(limits.trustProxy).toBe(false);
    server = await startTestServer({ limits });
  });

  it("limits a client that spoofs a new X-Real-IP on every matchmaking request by its real address", async () => {
    const url = server!.url;
    for (let i = 0; i < BURST; i++) {
      expectMatchmakePassed(await post(url, MATCHMAKE_PATH, { headers: spoofed(i) }), `request ${i + 1}`);
    }
    // A new made-up address again: still the same client, over its burst.
    expectMatchmakeLimited(await post(url, MATCHMAKE_PATH, { headers: spoofed(BURST) }), "request past the burst");
    // Even claiming an address the server never saw, or none at all.
    expectMatchmakeLimited(
      await post(url, MATCHMAKE_PATH, { headers: { "X-Real-IP": "10.9.8.7" } }),
      "another spoofed address",
    );
    expectMatchmakeLimited(await post(url, MATCHMAKE_PATH), "no address header");
  });

  it("limits a client that spoofs a new X-Real-IP on every POST /auth/guest by its real address", async () => {
    const url = server!.url;
    for (let i = 0; i < BURST; i++) {
      const answer = await post(url, GUEST_PATH, { headers: spoofed(i) });
      expect(answer.status, `request ${i + 1}`).toBe(200);
    }
    expectGuestLimited(await post(url, GUEST_PATH, { headers: spoofed(BURST) }), "request past the burst");
    // One budget: the matchmaking routes are closed to this address too.
    expectMatchmakeLimited(await post(url, MATCHMAKE_PATH, { headers: spoofed(BURST + 1) }), "matchmaking after");
  });

  it("counts a client's open WebSockets by its real address, whatever X-Real-IP each claims", async () => {
    for (let i = 0; i < SOCKETS; i++) expect(await upgrade(spoofed(i)), `upgrade ${i + 1}`).toBe(101);
    expect(await upgrade(spoofed(SOCKETS)), "one more, claiming another address").toBe(429);
    expect(await upgrade(), "one more, claiming none").toBe(429);
  });

  it("counts a client's create calls by its real address, whatever X-Real-IP each claims", async () => {
    const url = server!.url;
    for (let i = 0; i < CREATES; i++)
      expectCreatePassed(await post(url, CREATE_PATH, { headers: spoofed(i) }), `create ${i + 1}`);
    expectCreateLimited(await post(url, CREATE_PATH, { headers: spoofed(CREATES) }), "create past the burst");
  });
});

describe("TRUST_PROXY=1: the limits key on X-Real-IP", () => {
  beforeEach(async () => {
    const limits = limitsFrom({ TRUST_PROXY: "1" });
    expect(limits.trustProxy).toBe(true);
    server = await startTestServer({ limits });
  });

  it("gives each X-Real-IP its own matchmaking burst and limits one X-Real-IP together", async () => {
    const url = server!.url;
    const addresses = ["203.0.113.10", "203.0.113.11", "2001:db8::12"];
    // Interleaved: every address spends its whole burst (3 × 5 requests from one socket address).
    for (let round = 0; round < BURST; round++) {
      for (const address of addresses) {
        expectMatchmakePassed(
          await post(url, MATCHMAKE_PATH, { headers: { "X-Real-IP": address } }),
          `${address}, request ${round + 1}`,
        );
      }
    }
    for (const address of addresses) {
      // Together: the same X-Real-IP, whatever else the request says (X-Forwarded-For is not read).
      expectMatchmakeLimited(
        await post(url, MATCHMAKE_PATH, { headers: { "X-Real-IP": address, "X-Forwarded-For": "198.51.100.99" } }),
        `${address} past its burst`,
      );
    }
    // An address not seen yet still has its whole burst.
    for (let i = 0; i < BURST; i++) {
      expectMatchmakePassed(
        await post(url, MATCHMAKE_PATH, { headers: { "X-Real-IP": "203.0.113.20" } }),
        `fresh address, request ${i + 1}`,
      );
    }
  });

  it("limits POST /auth/guest per X-Real-IP too, on the matchmaking budget", async () => {
    const url = server!.url;
    const spender = { "X-Real-IP": "203.0.113.30" };
    for (let i = 0; i < BURST; i++) {
      expect((await post(url, GUEST_PATH, { headers: spender })).status, `request ${i + 1}`).toBe(200);
    }
    expectGuestLimited(await post(url, GUEST_PATH, { headers: spender }), "spender past its burst");
    expectMatchmakeLimited(await post(url, MATCHMAKE_PATH, { headers: spender }), "spender's matchmaking");
    // Another address behind the same proxy (same socket address) is not affected.
    const other = await post(url, GUEST_PATH, { headers: { "X-Real-IP": "203.0.113.31" } });
    expect(other.status).toBe(200);
  });

  it("caps open WebSockets per X-Real-IP: one address's full cap leaves another's whole", async () => {
    const full = { "X-Real-IP": "203.0.113.40" };
    for (let i = 0; i < SOCKETS; i++) expect(await upgrade(full), `upgrade ${i + 1}`).toBe(101);
    expect(await upgrade({ ...full, "X-Forwarded-For": "198.51.100.40" }), "one more from that address").toBe(429);
    for (let i = 0; i < SOCKETS; i++) {
      expect(await upgrade({ "X-Real-IP": "203.0.113.41" }), `another address, upgrade ${i + 1}`).toBe(101);
    }
  });

  it("limits create calls per X-Real-IP", async () => {
    const url = server!.url;
    const spender = { "X-Real-IP": "203.0.113.50" };
    for (let i = 0; i < CREATES; i++)
      expectCreatePassed(await post(url, CREATE_PATH, { headers: spender }), `create ${i + 1}`);
    expectCreateLimited(await post(url, CREATE_PATH, { headers: spender }), "spender past its burst");
    expectCreatePassed(await post(url, CREATE_PATH, { headers: { "X-Real-IP": "203.0.113.51" } }), "another address");
  });
});

describe("POST /auth/guest (PROTOCOL.md, HTTP routes)", () => {
  beforeEach(async () => {
    server = await startTestServer();
  });

  /** A valid JSON body naming `name`, padded with spaces to exactly `bytes` bytes. */
  function guestBodyOf(name: string, bytes: number): string {
    const head = `{"name":${JSON.stringify(name)}`;
    const body = `${head}${" ".repeat(bytes - head.length - 1)}}`;
    expect(Buffer.byteLength(body)).toBe(bytes);
    return body;
  }

  it("takes a body of exactly 1 KiB (1024 bytes), declared or chunked", async () => {
    const body = guestBodyOf("Kibi", GUEST_BODY_MAX_BYTES);
    for (const chunked of [false, true]) {
      const answer = await post(server!.url, GUEST_PATH, { body, chunked });
      expect(answer.status, `chunked: ${chunked}`).toBe(200);
      expect((answer.body as Record<string, unknown>)["name"], `chunked: ${chunked}`).toBe("Kibi");
    }
  });

  it("refuses a body of 1025 bytes with 413, declared or chunked", async () => {
    // The same body as the accepted one, one space longer.
    const body = guestBodyOf("Kibi", GUEST_BODY_MAX_BYTES + 1);
    for (const chunked of [false, true]) {
      const answer = await post(server!.url, GUEST_PATH, { body, chunked });
      expect(answer.status, `chunked: ${chunked}`).toBe(413);
      expect(answer.body, `chunked: ${chunked}`).toEqual({ error: "payload too large", code: 413 });
    }
  });

  it("answers a 17-character name with 400 and the documented body; 16 characters pass", async () => {
    const tooLong = await post(server!.url, GUEST_PATH, { body: JSON.stringify({ name: "abcdefghijklmnopq" }) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toEqual({ error: "name: nickname is longer than 16 characters", code: 400 });
    const longest = await post(server!.url, GUEST_PATH, { body: JSON.stringify({ name: "abcdefghijklmnop" }) });
    expect(longest.status).toBe(200);
    expect((longest.body as Record<string, unknown>)["name"]).toBe("abcdefghijklmnop");
  });
});
