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
import {
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
