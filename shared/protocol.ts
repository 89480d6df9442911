/**
 * The protocol between clients and the server: room names, message names, join options and
 * the limits every payload is held to. Both sides import this module; `docs/PROTOCOL.md`
 * describes the same contract for outside tools.
 */
import { z } from "zod";
import { AIM_SCALE, NICKNAME_MAX_LENGTH } from "./constants.ts";

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

/** Characters allowed in a nickname: letters, digits, spaces and a little punctuation. */
const NICKNAME_PATTERN = /^[\p{L}\p{N} _.-]+$/u;

/** Validates and normalises a nickname: trimmed, inner spaces collapsed, 1–16 characters. */
export const nicknameSchema = z
  .string()
  .transform((s) => s.normalize("NFC").trim().replace(/\s+/g, " "))
  .pipe(
    z
      .string()
      .min(1, "nickname is empty")
      .max(NICKNAME_MAX_LENGTH, `nickname is longer than ${NICKNAME_MAX_LENGTH} characters`)
      .regex(NICKNAME_PATTERN, "nickname may hold letters, digits, spaces and _ . - only"),
  );

/** Options a client passes to `joinOrCreate("arena", options)`. Unknown keys are ignored. */
export const joinOptionsSchema = z.object({
  name: nicknameSchema.optional(),
});
/** Parsed join options. */
export type JoinOptions = z.infer<typeof joinOptionsSchema>;

/** Range clamps the server applies to every input frame before the simulation sees it. */
export const INPUT_LIMITS = {
  moveX: [-1, 1],
  moveY: [-1, 1],
  aimX: [-AIM_SCALE, AIM_SCALE],
  aimY: [-AIM_SCALE, AIM_SCALE],
} as const satisfies Record<string, readonly [number, number]>;
