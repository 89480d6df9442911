/**
 * The synchronous guest-token check (`verifyHs256` in server/identity/guest-tokens.ts) gives
 * jose's answer for every token: valid tokens, forged and tampered ones, other algorithms,
 * dates at and around their limits, wrong issuer or audience, malformed parts, and random
 * mutations of a valid token.
 */
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { errors, jwtVerify, SignJWT, type JWTPayload } from "jose";
import { describe, expect, it } from "vitest";
import { GuestTokens, TokenError, verifyHs256 } from "../../../server/identity/guest-tokens.ts";

const SECRET = Buffer.from("a-test-secret-of-at-least-32-bytes-long!");
const OTHER = Buffer.from("another-secret-of-at-least-32-bytes-long");
const NOW = 1_800_000_000;

type Answer = JWTPayload | "invalid" | "expired";

/** What jose says of `token`, with the options GuestTokens used to give it. */
async function joseAnswer(token: string, tolerance: number): Promise<Answer> {
  try {
    const { payload } = await jwtVerify(token, SECRET, {
      algorithms: ["HS256"],
      issuer: "tick-arena",
      audience: "tick-arena",
      clockTolerance: tolerance,
      currentDate: new Date(NOW * 1000),
    });
    return payload;
  } catch (error) {
    return error instanceof errors.JWTExpired ? "expired" : "invalid";
  }
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A token with any header and claims, signed with HMAC-SHA256 (whatever the header says). */
function raw(header: unknown, claims: unknown, secret: Buffer = SECRET): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

const CLAIMS = {
  name: "Ann",
  sub: "0b7c4a52-8f1e-4c1a-9d43-5e7a1b2c3d4e",
  iss: "tick-arena",
  aud: "tick-arena",
  iat: NOW - 100,
  exp: NOW + 100,
};
const HEADER = { alg: "HS256", typ: "JWT" };

async function jose(claims: JWTPayload, alg = "HS256"): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg, typ: "JWT" }).sign(SECRET);
}

async function expectSame(token: string, tolerance = 0): Promise<Answer> {
  const expected = await joseAnswer(token, tolerance);
  expect(verifyHs256(token, SECRET, NOW, tolerance)).toEqual(expected);
  return expected;
}

describe("verifyHs256 answers as jose does", () => {
  it("accepts a valid token with its claims", async () => {
    const answer = await expectSame(await jose(CLAIMS));
    expect(answer).toMatchObject({ name: "Ann", sub: CLAIMS.sub });
  });

  it("refuses forged and tampered tokens", async () => {
    const good = await jose(CLAIMS);
    const [h, , s] = good.split(".");
    expect(await expectSame(`${h}.${b64({ ...CLAIMS, name: "Mallory" })}.${s}`)).toBe("invalid");
    expect(await expectSame(raw(HEADER, CLAIMS, OTHER))).toBe("invalid");
    expect(await expectSame(`${h}.${b64(CLAIMS)}.`)).toBe("invalid");
    expect(await expectSame(`${b64({ alg: "none" })}.${b64(CLAIMS)}.`)).toBe("invalid");
    expect(await expectSame(raw({ alg: "none" }, CLAIMS))).toBe("invalid");
    expect(await expectSame(await jose(CLAIMS, "HS512"))).toBe("invalid");
    expect(await expectSame(raw({ alg: "HS256", crit: ["exp"] }, CLAIMS))).toBe("invalid");
  });

  it("judges the dates at and around their limits, with and without tolerance", async () => {
    expect(await expectSame(await jose({ ...CLAIMS, exp: NOW }))).toBe("expired");
    await expectSame(await jose({ ...CLAIMS, exp: NOW + 1 }));
    expect(await expectSame(await jose({ ...CLAIMS, exp: NOW - 50 }), 60)).not.toBe("expired");
    expect(await expectSame(await jose({ ...CLAIMS, exp: NOW - 60 }), 60)).toBe("expired");
    expect(await expectSame(await jose({ ...CLAIMS, nbf: NOW + 1 }))).toBe("invalid");
    await expectSame(await jose({ ...CLAIMS, nbf: NOW }));
    await expectSame(await jose({ ...CLAIMS, nbf: NOW + 30 }), 60);
    expect(await expectSame(raw(HEADER, { ...CLAIMS, iat: "yesterday" }))).toBe("invalid");
    expect(await expectSame(raw(HEADER, { ...CLAIMS, exp: "tomorrow" }))).toBe("invalid");
    await expectSame(raw(HEADER, { ...CLAIMS, exp: undefined }));
  });

  it("checks issuer and audience, before the dates as jose does", async () => {
    expect(await expectSame(await jose({ ...CLAIMS, iss: "someone-else" }))).toBe("invalid");
    expect(await expectSame(await jose({ ...CLAIMS, aud: "someone-else" }))).toBe("invalid");
    await expectSame(await jose({ ...CLAIMS, aud: ["other", "tick-arena"] }));
    expect(await expectSame(await jose({ ...CLAIMS, iss: undefined }))).toBe("invalid");
    // Expired and from another issuer: jose reports the issuer.
    expect(await expectSame(await jose({ ...CLAIMS, iss: "x", exp: NOW - 10 }))).toBe("invalid");
  });

  it("refuses malformed tokens", async () => {
    const good = await jose(CLAIMS);
    for (const token of [
      "",
      "abc",
      good.split(".").slice(0, 2).join("."),
      `${good}.extra`,
      good.replace(".", ".."),
      `${good.slice(0, 5)}*${good.slice(6)}`,
      raw("not an object", CLAIMS),
      raw(HEADER, [1, 2, 3]),
      raw(HEADER, "a string"),
      `${Buffer.from("{not json").toString("base64url")}.${b64(CLAIMS)}.${good.split(".")[2]}`,
    ]) {
      expect(await expectSame(token)).toBe("invalid");
    }
  });

  it("agrees with jose on random mutations of a valid token", async () => {
    const good = await jose(CLAIMS);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.constantFrom(...alphabet)), { minLength: 1, maxLength: 3 }),
        async (edits) => {
          const chars = [...good];
          for (const [at, c] of edits) chars[at] = c;
          const token = chars.join("");
          expect(verifyHs256(token, SECRET, NOW, 0)).toEqual(await joseAnswer(token, 0));
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });
});

describe("GuestTokens", () => {
  it("verifies what it issues, and tells expired from invalid", async () => {
    let now = NOW * 1000;
    const tokens = new GuestTokens(SECRET, { ttlSeconds: 60, renewSeconds: 600, now: () => now });
    const { token, playerId } = await tokens.issue("Ann");
    await expect(tokens.verify(token)).resolves.toEqual({ playerId, name: "Ann" });
    await expect(tokens.verify(undefined)).rejects.toMatchObject({ problem: "missing" });
    await expect(tokens.verify(`${token}x`)).rejects.toBeInstanceOf(TokenError);
    now += 61_000;
    await expect(tokens.verify(token)).rejects.toMatchObject({ problem: "expired" });
    await expect(tokens.renewable(token)).resolves.toEqual({ playerId, name: "Ann" });
    now += 600_000;
    await expect(tokens.renewable(token)).rejects.toMatchObject({ problem: "expired" });
  });
});
