/**
 * CPU per guest-token verification: jose's `jwtVerify` (WebCrypto, a key imported once) against
 * the synchronous check the server uses (`verifyHs256`, node:crypto with a key object). Five
 * rounds of 20,000 verifications each, alternating; prints the median and range of each, in µs
 * of process CPU (user + system, so WebCrypto's thread-pool work counts).
 *
 *   npx tsx bench/micro/token-verify.ts
 */
import { createSecretKey } from "node:crypto";
import { jwtVerify } from "jose";
import { GuestTokens, verifyHs256 } from "../../server/identity/guest-tokens.ts";

const ROUNDS = 5;
const PER_ROUND = 20_000;
const secret = Buffer.from("a-benchmark-secret-of-at-least-32-bytes!");
const { token } = await new GuestTokens(secret).issue("Ann");
const webKey = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
const keyObject = createSecretKey(secret);
const cpuMicros = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

const jose: number[] = [];
const ours: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  let start = cpuMicros();
  for (let i = 0; i < PER_ROUND; i++) {
    await jwtVerify(token, webKey, { algorithms: ["HS256"], issuer: "tick-arena", audience: "tick-arena" });
  }
  jose.push((cpuMicros() - start) / PER_ROUND);
  start = cpuMicros();
  const now = Math.floor(Date.now() / 1000);
  for (let i = 0; i < PER_ROUND; i++) {
    if (typeof verifyHs256(token, keyObject, now, 0) === "string") throw new Error("the token was refused");
  }
  ours.push((cpuMicros() - start) / PER_ROUND);
}
const show = (label: string, values: number[]): void => {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  console.log(`${label}: ${median.toFixed(1)} µs [${sorted[0]!.toFixed(1)}–${sorted.at(-1)!.toFixed(1)}]`);
};
show("jose jwtVerify      ", jose);
show("verifyHs256 (server)", ours);
