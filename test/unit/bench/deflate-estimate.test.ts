/**
 * The compression estimate of bench:netcode (bench/netcode/deflate-estimate.ts): what it says
 * permessage-deflate would send is what `ws` sends when compression is on, byte for byte, and it
 * tells compressible streams from incompressible ones.
 */
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { ByteProxy } from "../../../bench/netcode/byte-proxy.ts";
import { DeflateEstimate } from "../../../bench/netcode/deflate-estimate.ts";

/** Messages shaped like state patches: a few fixed bytes, then small varying numbers. */
function patchLikeMessages(count: number): Buffer[] {
  const out: Buffer[] = [];
  let seed = 12345;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  for (let i = 0; i < count; i++) {
    const ships = 3 + (next() % 5);
    const bytes = [0x8f, 0, 0, 0, i & 0xff, 0xff, 0x01];
    for (let s = 0; s < ships; s++)
      bytes.push(0xff, 2 + s, 0x01, next() & 0xff, next() & 0xff, 0x02, next() & 0xff, next() & 0xff);
    out.push(Buffer.from(bytes));
  }
  return out;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe("DeflateEstimate", () => {
  it("counts what ws sends with permessage-deflate on, byte for byte", async () => {
    const messages = patchLikeMessages(200);
    expect(Math.max(...messages.map((m) => m.length))).toBeLessThan(120); // 2-byte frame headers

    // A ws server compressing everything (threshold 0, zlib's defaults), behind a counting proxy.
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: { threshold: 0 } });
    await once(server, "listening");
    closers.push(
      () =>
        new Promise((resolve) => {
          for (const c of server.clients) c.terminate();
          server.close(() => resolve());
        }),
    );
    const proxy = await ByteProxy.start(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    closers.push(() => proxy.close());

    const client = new WebSocket(proxy.url.replace("http", "ws"), { perMessageDeflate: true });
    closers.push(async () => client.terminate());
    const [serverSide] = (await once(server, "connection")) as [WebSocket];
    await once(client, "open");
    expect(client.extensions).toContain("permessage-deflate");
    const before = proxy.sample();

    const estimate = new DeflateEstimate();
    let received = 0;
    const done = new Promise<void>((resolve) => {
      client.on("message", (data: Buffer) => {
        estimate.add(data);
        if (++received === messages.length) resolve();
      });
    });
    for (const m of messages) serverSide.send(m, { binary: true, compress: true });
    await done;
    const after = proxy.sample();
    const ratios = await estimate.finish();

    const [connection] = [...after.keys()];
    const wire = after.get(connection!)!.down - before.get(connection!)!.down;
    const raw = messages.reduce((a, m) => a + m.length, 0);
    expect(ratios).not.toBeNull();
    expect(ratios!.rawBytes).toBe(raw);
    // Each frame: the compressed payload and a 2-byte header.
    expect(Math.round(ratios!.defaultWindow * raw) + 2 * messages.length).toBe(wire);
    expect(ratios!.defaultWindow).toBeLessThan(0.8);
  });

  it("finds repeated messages compressible and random ones not", async () => {
    const repeated = new DeflateEstimate();
    const random = new DeflateEstimate();
    const message = patchLikeMessages(1)[0]!;
    for (let i = 0; i < 100; i++) {
      repeated.add(message);
      random.add(randomBytes(100));
    }
    const r = await repeated.finish();
    const n = await random.finish();
    expect(r!.defaultWindow).toBeLessThan(0.2);
    expect(r!.leanWindow).toBeLessThan(0.2);
    expect(n!.defaultWindow).toBeGreaterThan(0.98);
    expect(n!.leanWindow).toBeGreaterThan(0.98);
  });

  it("says nothing about a client that received nothing", async () => {
    expect(await new DeflateEstimate().finish()).toBeNull();
  });
});
