/**
 * Fails loudly when the Colyseus internals that `server/security/colyseus-seam.ts` relies on
 * change: the pinned version, the methods it wraps or reads, and the lines of Colyseus that make
 * the wrapping work (an instance `_onMessage` bound for every socket, join and reconnection).
 * The integration tests prove the guard works end to end; this says *why* it would stop.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Room } from "@colyseus/core";
import { describe, expect, it } from "vitest";
import { MessageWindow } from "../../../server/security/rate-limiter.ts";
import {
  clientInDispatch,
  hasAcknowledgedJoin,
  inputStampShape,
  installedColyseusCore,
  interceptClientFrames,
  reservedSeatAuths,
  VERIFIED_COLYSEUS_CORE,
} from "../../../server/security/colyseus-seam.ts";

const require = createRequire(import.meta.url);
const corePackage = require.resolve("@colyseus/core/package.json");
const roomSource = readFileSync(path.join(path.dirname(corePackage), "build", "Room.mjs"), "utf8");
const messagesSource = readFileSync(path.join(path.dirname(corePackage), "build", "RoomMessages.mjs"), "utf8");
const debugSource = readFileSync(path.join(path.dirname(corePackage), "build", "Debug.mjs"), "utf8");

describe("the Colyseus seam", () => {
  it("runs on the @colyseus/core version it was verified on (pinned in package.json)", () => {
    expect(installedColyseusCore()).toBe(VERIFIED_COLYSEUS_CORE);
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(pkg.dependencies["@colyseus/core"]).toBe(VERIFIED_COLYSEUS_CORE);
  });

  it("finds the Room methods it wraps and reads", () => {
    const proto = Room.prototype as unknown as Record<string, unknown>;
    expect(typeof proto["_onMessage"]).toBe("function");
    expect(typeof proto["_timelineMode"]).toBe("function");
    expect(typeof proto["checkReconnectionToken"]).toBe("function");
    expect(typeof proto["allowReconnection"]).toBe("function");
  });

  it("relies on Colyseus binding the instance's _onMessage for every socket it accepts", () => {
    // One binding site, in _onJoin, reached by first joins and reconnections alike.
    const bindings = roomSource.match(/client\.ref\.on\("message", this\._onMessage\.bind\(this, client\)\)/g) ?? [];
    expect(bindings).toHaveLength(1);
    // Frames are dispatched to the input decoders inside _onMessage, nowhere else.
    expect(roomSource).toMatch(/_onMessage\(client, buffer\) \{[\s\S]*?decodeUnreliable\(client, buffer, modifiers\)/);
  });

  it("reads the join acknowledgement the way Colyseus records it", () => {
    expect(roomSource).toMatch(/delete client\._enqueuedMessages;/);
    expect(roomSource).toMatch(
      /if \(previousClient\._enqueuedMessages !== void 0\) \{\s*return Promise\.reject\(new ServerError\("not joined"\)\);/,
    );
    expect(hasAcknowledgedJoin({ _enqueuedMessages: [] } as never)).toBe(false);
    expect(hasAcknowledgedJoin({} as never)).toBe(true);
  });

  it("wraps a room instance's _onMessage and lets only delivered frames through", () => {
    const seen: number[] = [];
    const fake = { _onMessage: (_client: unknown, frame: Uint8Array) => seen.push(frame[0]!) };
    interceptClientFrames(fake as never, (_client, frame) => (frame[0] === 20 ? "drop" : "deliver"));
    const handler = fake._onMessage.bind(fake);
    handler({}, Uint8Array.from([19]));
    handler({}, Uint8Array.from([20]));
    expect(seen).toEqual([19]);
    expect(() => interceptClientFrames({} as never, () => "deliver")).toThrow(/verified on @colyseus\/core/);
  });

  it("names the client whose frame Colyseus is handling while it logs a payload it cannot decode", () => {
    // RoomMessages.onData logs the decode error synchronously (Debug.mjs: logger.error of the
    // stack), then closes the client with 4002 and no reason; nothing in the line names the client.
    expect(messagesSource).toMatch(
      /catch \(e\) \{\s*debugAndPrintError\(e\);\s*client\.leave\(CloseCode\.WITH_ERROR\);/,
    );
    expect(debugSource).toMatch(/var debugAndPrintError = \(e\) => \{[\s\S]*?logger\.error\(message\);/);
    const seen: unknown[] = [];
    const fake = { _onMessage: (_client: unknown, _frame: Uint8Array) => seen.push(clientInDispatch()) };
    interceptClientFrames(fake as never, (_client, frame) => (frame[0] === 28 ? [frame, frame] : "deliver"));
    const [a, b] = [{ sessionId: "a" }, { sessionId: "b" }];
    fake._onMessage.call(fake, a, Uint8Array.from([13]));
    fake._onMessage.call(fake, b, Uint8Array.from([28]));
    expect(seen).toEqual([a, b, b]);
    expect(clientInDispatch()).toBeUndefined();
  });

  it("counts messages per second as the guards' MessageWindow assumes: it trips first, on the same clock", () => {
    // Room._onMessage: a window opens at the first message at or after the last one's end, and
    // that message is not counted; over `maxMessagesPerSecond` in a window closes with 4002.
    expect(roomSource).toMatch(
      /const now = this\.clock\.currentTime;[\s\S]{0,80}if \(now >= \(client\._messageCountResetsAt \?\? 0\)\) \{\s*client\._numMessagesLastSecond = 0;\s*client\._messageCountResetsAt = now \+ 1e3;\s*\} else if \(\(client\._numMessagesLastSecond = \(client\._numMessagesLastSecond \?\? 0\) \+ 1\) > this\.maxMessagesPerSecond\)/,
    );
    // That counter, replayed, against ours on random arrival times and batch sizes.
    const max = 400;
    let seed = 12345;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let tripped = 0;
    let colyseusFirst = 0;
    for (let run = 0; run < 200; run++) {
      const ours = new MessageWindow(max);
      const colyseus = { count: 0, resetsAt: 0 };
      let now = 1_000_000;
      const rate = 200 + random() * 600;
      for (let i = 0; i < 3000; i++) {
        now += Math.floor((random() * 2000) / rate);
        const frames = random() < 0.1 ? 2 + Math.floor(random() * 3) : 1;
        if (!ours.take(now, frames)) {
          tripped += 1;
          break;
        }
        for (let f = 0; f < frames; f++) {
          if (now >= colyseus.resetsAt) {
            colyseus.count = 0;
            colyseus.resetsAt = now + 1000;
          } else if ((colyseus.count += 1) > max) {
            colyseusFirst += 1;
          }
        }
      }
    }
    expect(colyseusFirst, "frames Colyseus would have closed a client for before the guard did").toBe(0);
    expect(tripped, "runs in which the guard closed the client").toBeGreaterThan(20);
  });

  it("reads the input stamp shape from the room's rewind timeline", () => {
    const room = (mode: unknown) => ({ _timelineMode: () => mode }) as never;
    expect(inputStampShape(room(undefined))).toEqual({ stamped: false, withRenderDelta: false });
    expect(inputStampShape(room({ snapshot: true, reckon: false }))).toEqual({ stamped: true, withRenderDelta: false });
    expect(inputStampShape(room({ snapshot: true, reckon: true }))).toEqual({ stamped: true, withRenderDelta: true });
    expect(() => inputStampShape({} as never)).toThrow(/_timelineMode is missing/);
  });

  it("reads reserved seats as Colyseus stores them (auth data second), and counts them toward the cap", () => {
    expect(roomSource).toMatch(
      /this\._reservedSeats\[sessionId\] = \[joinOptions, authData, false, allowReconnection\];/,
    );
    // The cap Colyseus checks at every seat reservation counts clients plus reserved seats.
    expect(roomSource).toMatch(/this\.clients\.length \+ Object\.keys\(this\._reservedSeats\)\.length/);
    const room = { _reservedSeats: { a: [{}, { spectator: true }, false, false], b: [{}, undefined, true, false] } };
    expect(reservedSeatAuths(room as never)).toEqual([{ spectator: true }, undefined]);
    expect(() => reservedSeatAuths({} as never)).toThrow(/_reservedSeats is missing/);
  });
});
