/**
 * The protocol between clients and the server: room names, message names, join options and
 * the limits every payload is held to. Both sides import this module; `docs/PROTOCOL.md`
 * describes the same contract for outside tools.
 */
import { z } from "zod";
import { AIM_SCALE } from "./constants.ts";
import { nicknameProblem, normalizeNickname } from "./names.ts";

/** Matchmaking room names. */
export const RoomName = {
  /**
   * Quick play: `joinOrCreate("arena")` seats you in the fullest open public arena.
   * `create("arena", { private: true })` opens a private one whose room id is its join code.
   */
  Arena: "arena",
  /**
   * A large arena: up to 64 pilots on the large map, each client receiving only the ships near
   * its own (same options and messages as `arena`; state `LargeArenaState`).
   */
  ArenaLarge: "arena-large",
  /** The live list of open public arenas (Colyseus `LobbyRoom`). */
  Lobby: "lobby",
  /** The ranked queue: players of similar rating are grouped and seated in a ranked arena. */
  Ranked: "ranked",
} as const;
/** One of {@link RoomName}. */
export type RoomName = (typeof RoomName)[keyof typeof RoomName];

/** Messages the server sends to clients (`room.onMessage(name, ...)`). */
export const ServerMessage = {
  /** A ship was destroyed: {@link KillMessage}. */
  Kill: "kill",
  /** A chat line (shared/chat.ts `ChatLine`): players, system lines and notices. */
  Chat: "chat",
  /** Sent once on join: {@link WelcomeMessage}. */
  Welcome: "welcome",
} as const;
/** One of {@link ServerMessage}. */
export type ServerMessage = (typeof ServerMessage)[keyof typeof ServerMessage];

/** Payload of {@link ServerMessage.Kill}. */
export interface KillMessage {
  readonly killerId: string;
  readonly victimId: string;
}

/** Payload of {@link ServerMessage.Welcome}: what kind of seat you hold in which room. */
export interface WelcomeMessage {
  /** Your stable player id (from your token). */
  readonly playerId: string;
  /** "player": you fly a ship; "spectator": you watch (no ship, no inputs). */
  readonly role: "player" | "spectator";
  /** "quick", "private" or "ranked". */
  readonly mode: ArenaMode;
  /** The join code of a private room (its room id), else null. */
  readonly code: string | null;
  /**
   * The server process holding the room. While the connection is down, a client that no longer
   * finds it among `GET /healthz`'s `processes` knows the room is gone and quick-plays again.
   */
  readonly processId: string;
}

/** How an arena was opened. */
export type ArenaMode = "quick" | "private" | "ranked";

/**
 * What an arena publishes in its matchmaking listing (`metadata`), read by the lobby:
 * everything a room list shows without joining.
 */
export interface ArenaListing {
  readonly mode: ArenaMode;
  /** Players with a ship (spectators excluded) and the cap. */
  readonly players: number;
  readonly maxPlayers: number;
  readonly spectators: number;
  /** 0 playing, 1 results, 2 warm-up (waiting for pilots): see `Phase` in shared/sim/world.ts. */
  readonly phase: number;
  /** When the current phase ends (epoch ms); 0 during the warm-up (it ends when pilots join). */
  readonly phaseEndsAt: number;
  readonly matchNumber: number;
  /** The room's map id (`MAPS` in map.ts): "standard", or "large" for a big arena (64 pilots). */
  readonly map: string;
}

/**
 * Client messages. Inputs travel on the input channel (`room.input()`, binary); the only other
 * message is chat (`room.send("chat", { text })`); anything else closes the sender's socket (4002).
 */
export const ClientMessage = {
  /** `{ text }`: a chat line (shared/chat.ts holds the rule). */
  Chat: "chat",
} as const;

/**
 * Batched input frames: several reliable input frames in one WebSocket message, so the server
 * reads and parses one message where it would read several (a server pays ≈ 9 µs per message
 * whatever its size; see docs/PERFORMANCE.md). Optional: the stock SDK's one frame per input is
 * accepted as well. Layout: `[INPUT_BATCH_CODE][len₁][frame₁ … len₁ bytes][len₂][frame₂]…`, each
 * frame a complete `ROOM_INPUT_RELIABLE` frame (its code byte included), in the order sent; at
 * least 2 and at most {@link INPUT_BATCH_MAX} frames. The server applies each frame as if it had
 * come alone (same checks, same rate limits, one consumed per tick).
 */
export const INPUT_BATCH_CODE = 28;
/** Most input frames one batch may carry. */
export const INPUT_BATCH_MAX = 4;
/** Input frames the browser client puts in one batch (two ticks: 15 messages a second at 30 Hz). */
export const INPUT_BATCH_FRAMES = 2;

/** Close codes the server uses, beyond the WebSocket standard ones. */
export const CloseCodes = {
  /** Left on purpose. */
  Consented: 4000,
  /** Server shutting down. */
  ServerShutdown: 4001,
  /**
   * Protocol violation: unknown or malformed message, over a rate limit, or a join that was
   * never acknowledged.
   */
  ProtocolError: 4002,
  /** A ranked match ended and its room closed (ratings are recorded): queue again. */
  MatchOver: 4100,
  /** A ranked match was called off: not all of its group took their seats in time. */
  MatchCancelled: 4101,
  /** The room stopped after an internal error; the player may quick-play again. */
  RoomError: 4500,
} as const;

/**
 * Validates and normalises a nickname (rule in names.ts): NFC, trimmed, inner whitespace one
 * space, then 1–16 grapheme clusters of letters, digits, emoji, spaces and ' ’ - _ .
 */
export const nicknameSchema = z
  .string()
  .transform(normalizeNickname)
  .check((ctx) => {
    const problem = nicknameProblem(ctx.value);
    if (problem !== null) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
  });

/**
 * Options a client passes to `joinOrCreate("arena", options)`, `create` and `joinById`.
 * Unknown keys are ignored. Who you are comes from your token; `name` renames you for this join.
 */
export const joinOptionsSchema = z.object({
  name: nicknameSchema.optional(),
  /** With `create`: open a private room (never listed, never matched by quick play). */
  private: z.boolean().optional(),
});
/** Parsed join options. */
export type JoinOptions = z.infer<typeof joinOptionsSchema>;

/**
 * Checks join options: the clean options, or the readable error a refused join answers with
 * (`invalid join options: <field>: <rule>`).
 */
export function checkJoinOptions(
  body: unknown,
  method = "create",
): { ok: true; value: JoinOptions } | { ok: false; error: string } {
  const parsed = joinOptionsSchema.safeParse(body);
  if (parsed.success) {
    // Quick play never opens a private room: that would dodge the room-creation limit.
    if (parsed.data.private === true && method !== "create") {
      return { ok: false, error: 'invalid join options: private: private rooms are opened with "create"' };
    }
    return { ok: true, value: parsed.data };
  }
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    error: `invalid join options: ${issue?.path.join(".") || "options"}: ${issue?.message ?? "invalid"}`,
  };
}

/** Range clamps the server applies to every input frame before the simulation sees it. */
export const INPUT_LIMITS = {
  moveX: [-1, 1],
  moveY: [-1, 1],
  aimX: [-AIM_SCALE, AIM_SCALE],
  aimY: [-AIM_SCALE, AIM_SCALE],
} as const satisfies Record<string, readonly [number, number]>;
