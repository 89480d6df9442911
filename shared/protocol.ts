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
  /** Quick play: `joinOrCreate("arena")` seats you in the fullest open arena. */
  Arena: "arena",
} as const;
/** One of {@link RoomName}. */
export type RoomName = (typeof RoomName)[keyof typeof RoomName];

/** Messages the server sends to clients (`room.onMessage(name, ...)`). */
export const ServerMessage = {
  /** A ship was destroyed: {@link KillMessage}. */
  Kill: "kill",
} as const;
/** One of {@link ServerMessage}. */
export type ServerMessage = (typeof ServerMessage)[keyof typeof ServerMessage];

/** Payload of {@link ServerMessage.Kill}. */
export interface KillMessage {
  readonly killerId: string;
  readonly victimId: string;
}

/**
 * Client messages. Inputs travel on the input channel (`room.input()`, binary); the room
 * registers no other message type, so any other message closes the sender's socket (4002).
 */
export const ClientMessage = {} as const;

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

/** Options a client passes to `joinOrCreate("arena", options)`. Unknown keys are ignored. */
export const joinOptionsSchema = z.object({
  name: nicknameSchema.optional(),
});
/** Parsed join options. */
export type JoinOptions = z.infer<typeof joinOptionsSchema>;

/**
 * Checks join options: the clean options, or the readable error a refused join answers with
 * (`invalid join options: <field>: <rule>`).
 */
export function checkJoinOptions(body: unknown): { ok: true; value: JoinOptions } | { ok: false; error: string } {
  const parsed = joinOptionsSchema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
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
