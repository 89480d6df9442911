/**
 * The protocol module: join option validation (nicknames) at run time, and the names and
 * payload types at the type level, so neither side can drift from the contract.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { AIM_SCALE, NICKNAME_MAX_LENGTH } from "../../shared/constants.ts";
import {
  ClientMessage,
  CloseCodes,
  INPUT_LIMITS,
  joinOptionsSchema,
  checkJoinOptions,
  nicknameSchema,
  RoomName,
  ServerMessage,
  type JoinOptions,
  type KillMessage,
  type WelcomeMessage,
} from "../../shared/protocol.ts";

const parse = (options: unknown) => joinOptionsSchema.safeParse(options);

describe("join options", () => {
  it("accepts a name, or no name at all", () => {
    expect(parse({ name: "Ann" })).toMatchObject({ success: true, data: { name: "Ann" } });
    expect(parse({})).toMatchObject({ success: true, data: {} });
    expect(parse({}).data).not.toHaveProperty("name");
    expect(parse({ name: undefined })).toMatchObject({ success: true });
  });

  it("trims and collapses spaces, and normalises to NFC", () => {
    expect(parse({ name: "  Ann  " }).data).toStrictEqual({ name: "Ann" });
    expect(parse({ name: "Ann    Lee" }).data).toStrictEqual({ name: "Ann Lee" });
    // Tabs and line breaks are whitespace: they collapse into one plain space.
    expect(parse({ name: " Ann\t\n Lee " }).data).toStrictEqual({ name: "Ann Lee" });
    expect(parse({ name: "Zoe\u0301" }).data).toStrictEqual({ name: "Zoé" });
    expect(parse({ name: "R2-D2_v.1" }).data).toStrictEqual({ name: "R2-D2_v.1" });
    expect(parse({ name: "Łukasz 李" }).data).toStrictEqual({ name: "Łukasz 李" });
  });

  it(`accepts ${NICKNAME_MAX_LENGTH} characters and rejects more`, () => {
    expect(parse({ name: "A".repeat(NICKNAME_MAX_LENGTH) }).success).toBe(true);
    expect(parse({ name: ` ${"A".repeat(NICKNAME_MAX_LENGTH)}   ` }).success).toBe(true);
    expect(parse({ name: "A".repeat(NICKNAME_MAX_LENGTH + 1) }).success).toBe(false);
    // The limit applies after collapsing: 8 + 1 + 8 characters is one too many.
    expect(parse({ name: `${"A".repeat(8)}     ${"B".repeat(8)}` }).success).toBe(false);
    expect(parse({ name: `${"A".repeat(7)}     ${"B".repeat(8)}` }).data).toStrictEqual({
      name: `${"A".repeat(7)} ${"B".repeat(8)}`,
    });
  });

  it.each([
    ["empty", ""],
    ["spaces only", "    "],
    ["a script tag", "<script>"],
    ["markup", "Ann<b>"],
    ["a NUL", "Ann\u0000"],
    ["a bell", "A\u0007nn"],
    ["an escape", "\u001b[31mAnn"],
    ["a DEL", "Ann\u007f"],
    ["a zero-width space", "An\u200bn"],
    ["a right-to-left override", "\u202eAnn"],
    ["quotes", 'Ann"'],
  ])("rejects a name with %s", (_label, name) => {
    expect(parse({ name }).success).toBe(false);
    expect(nicknameSchema.safeParse(name).success).toBe(false);
  });

  it.each([
    ["a number", 42],
    ["null", null],
    ["an array", ["Ann"]],
    ["an object", { first: "Ann" }],
    ["a boolean", true],
  ])("rejects a name that is %s", (_label, name) => {
    expect(parse({ name }).success).toBe(false);
  });

  it("rejects options that are not an object", () => {
    for (const options of ["Ann", 1, null, undefined, []]) expect(parse(options).success).toBe(false);
  });

  it("ignores unknown keys", () => {
    const r = parse(JSON.parse('{"name": "Ann", "isAdmin": true, "color": "red", "__proto__": {"isAdmin": true}}'));
    expect(r.success).toBe(true);
    expect(r.data).toStrictEqual({ name: "Ann" });
    expect(Object.getPrototypeOf(r.data)).toBe(Object.prototype);
  });

  it("accepts a boolean private flag and nothing else for it", () => {
    expect(parse({ private: true }).data).toStrictEqual({ private: true });
    expect(parse({ name: "Ann", private: false }).data).toStrictEqual({ name: "Ann", private: false });
    for (const flag of ["true", 1, null, {}]) expect(parse({ private: flag }).success, String(flag)).toBe(false);
  });

  it("names the failing field in its error", () => {
    const r = parse({ name: "<script>" });
    expect(r.error?.issues[0]?.path).toStrictEqual(["name"]);
  });
});

describe("protocol constants", () => {
  it("has the values both sides rely on", () => {
    expect(RoomName).toStrictEqual({ Arena: "arena", ArenaLarge: "arena-large", Lobby: "lobby", Ranked: "ranked" });
    expect(ServerMessage).toStrictEqual({ Kill: "kill", Chat: "chat", Welcome: "welcome" });
    expect(ClientMessage).toStrictEqual({ Chat: "chat" });
    expect(Object.values(CloseCodes)).toStrictEqual([4000, 4001, 4002, 4100, 4101, 4500]);
    for (const code of Object.values(CloseCodes)) {
      expect(code).toBeGreaterThanOrEqual(4000);
      expect(code).toBeLessThanOrEqual(4999);
    }
    expect(INPUT_LIMITS).toStrictEqual({
      moveX: [-1, 1],
      moveY: [-1, 1],
      aimX: [-AIM_SCALE, AIM_SCALE],
      aimY: [-AIM_SCALE, AIM_SCALE],
    });
    // Aim components fit the signed 16-bit wire fields.
    expect(AIM_SCALE).toBe(2 ** 15 - 1);
  });

  it("types names as literals and payloads as exact shapes", () => {
    expectTypeOf(RoomName.Arena).toEqualTypeOf<"arena">();
    expectTypeOf<RoomName>().toEqualTypeOf<"arena" | "arena-large" | "lobby" | "ranked">();
    expectTypeOf(ServerMessage.Kill).toEqualTypeOf<"kill">();
    expectTypeOf<ServerMessage>().toEqualTypeOf<"kill" | "chat" | "welcome">();
    expectTypeOf(ClientMessage.Chat).toEqualTypeOf<"chat">();
    expectTypeOf<KillMessage>().toEqualTypeOf<{ readonly killerId: string; readonly victimId: string }>();
    expectTypeOf<KillMessage["killerId"]>().toBeString();
    expectTypeOf<KillMessage>().toHaveProperty("victimId").toBeString();
    expectTypeOf<JoinOptions>().toEqualTypeOf<{ name?: string | undefined; private?: boolean | undefined }>();
    expectTypeOf<WelcomeMessage>().toEqualTypeOf<{
      readonly playerId: string;
      readonly role: "player" | "spectator";
      readonly mode: "quick" | "private" | "ranked";
      readonly code: string | null;
      readonly processId: string;
    }>();
    expectTypeOf(CloseCodes.ProtocolError).toEqualTypeOf<4002>();
    expectTypeOf(CloseCodes.MatchOver).toEqualTypeOf<4100>();

    // @ts-expect-error: a kill message needs both ids.
    const partial: KillMessage = { killerId: "a" };
    // @ts-expect-error: there is no other room name.
    const other: RoomName = "duel";
    // @ts-expect-error: there is no other server message.
    const message: ServerMessage = "kick";
    // @ts-expect-error: a welcome role is a player or a spectator.
    const role: WelcomeMessage["role"] = "admin";
    expect([partial, other, message, role]).toHaveLength(4);
  });
});

describe("checkJoinOptions", () => {
  it("returns the clean options or the readable error a refused join answers with", () => {
    expect(checkJoinOptions({ name: " Ann ", sessionId: "x" })).toEqual({ ok: true, value: { name: "Ann" } });
    expect(checkJoinOptions({ name: {} })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^invalid join options: name: /),
    });
    expect(checkJoinOptions(null).ok).toBe(false);
  });

  it("opens a private room only with create", () => {
    expect(checkJoinOptions({ private: true })).toEqual({ ok: true, value: { private: true } });
    expect(checkJoinOptions({ private: true }, "create")).toEqual({ ok: true, value: { private: true } });
    for (const method of ["joinOrCreate", "join", "joinById"]) {
      expect(checkJoinOptions({ private: true }, method)).toEqual({
        ok: false,
        error: 'invalid join options: private: private rooms are opened with "create"',
      });
      expect(checkJoinOptions({ name: "Ann", private: false }, method)).toEqual({
        ok: true,
        value: { name: "Ann", private: false },
      });
    }
  });
});
