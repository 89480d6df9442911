/**
 * The numbers docs/PROTOCOL.md gives a client, against the values the code uses. Clients and
 * outside tests are written from the document; the other tests compare the server with its own
 * constants, so a changed constant would pass them all while the document went on promising
 * the old number. Each row quotes the document's wording: a reworded sentence fails here too,
 * and its row is updated with it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { PING_INTERVAL_MS, PING_MAX_RETRIES } from "../../server/app.ts";
import { configFromEnv } from "../../server/config.ts";
import { RANKED_SEATING_GRACE_MS } from "../../server/rooms/ArenaRoom.ts";
import { BAND_WIDENING_PER_CYCLE, RATING_BAND } from "../../server/rooms/social-rooms.ts";
import { CHAT_DEFAULT_HISTORY_SIZE, CHAT_DEFAULT_MUTE_MS, CHAT_DEFAULT_RATE } from "../../server/rooms/chat-channel.ts";
import { DEFAULT_LIMITS } from "../../server/security/limits.ts";
import { MAX_MESSAGE_BYTES, MESSAGE_RATE } from "../../server/security/message-room-guard.ts";
import { CHAT_MAX_BYTES, CHAT_MAX_CODE_UNITS, CHAT_MAX_GRAPHEMES } from "../../shared/chat.ts";
import {
  DEFAULT_MATCH_SECONDS,
  DEFAULT_TICK_RATE,
  FIRE_COOLDOWN_S,
  INPUT_BUFFER_MAX,
  LAG_COMPENSATION_MS,
  MAX_INPUTS_PER_TICK,
  MAX_MESSAGES_PER_SECOND,
  MAX_PAYLOAD_BYTES,
  MAX_PLAYERS,
  MAX_SPECTATORS,
  MAX_TICK_RATE,
  MIN_TICK_RATE,
  NICKNAME_MAX_LENGTH,
  PATCH_RATE_HZ,
  PROJECTILE_DAMAGE,
  PROJECTILE_RADIUS,
  PROJECTILE_SPEED,
  RANKED_MATCH_PLAYERS,
  RECONNECT_GRACE_SECONDS,
  RESPAWN_DELAY_S,
  RESULTS_SECONDS,
  SHIP_RADIUS,
  SHIP_SPEED,
  SPAWN_PROTECTION_S,
} from "../../shared/constants.ts";
import { KILL_STREAK_ANNOUNCED, LIVE_HISTORY } from "../../shared/live.ts";
import { LIVE_SHARE_BURST, LIVE_SHARE_EVERY_MS } from "../../server/live/player-share.ts";
import { LARGE_MAP_HEIGHT, LARGE_MAP_WIDTH } from "../../shared/map.ts";
import { INPUT_BATCH_CODE, INPUT_BATCH_MAX } from "../../shared/protocol.ts";
import { NICKNAME_MAX_CODE_UNITS } from "../../shared/names.ts";
import { createConfig } from "../../shared/sim/world.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PROTOCOL = readFileSync(path.join(ROOT, "docs/PROTOCOL.md"), "utf8").replace(/\s+/g, " ");

/** The numbers `pattern` captures in PROTOCOL.md (whitespace-insensitive), e.g. "1,300" → 1300. */
function documented(pattern: RegExp): number[] {
  const match = pattern.exec(PROTOCOL);
  expect(match, `PROTOCOL.md no longer says ${pattern}`).not.toBeNull();
  return match!.slice(1).map((n) => Number(n.replace(/,/g, "")));
}

const env = configFromEnv({}, null);
const at30Hz = createConfig(30, DEFAULT_MATCH_SECONDS, RESULTS_SECONDS);

/** [what, PROTOCOL.md's wording with the numbers captured, the code's values]. */
const ROWS: [string, RegExp, number[]][] = [
  [
    "room capacities",
    /(\d+) players \(`MAX_PLAYERS`\) plus (\d+) spectators \(`MAX_SPECTATORS`\)/,
    [MAX_PLAYERS, MAX_SPECTATORS],
  ],
  [
    "the large arena",
    /up to (\d+) pilots \(`ROOM_PLAYERS`\) on the large map \((\d+) × (\d+) px\)/,
    [env.largeRoomPlayers!, LARGE_MAP_WIDTH, LARGE_MAP_HEIGHT],
  ],
  ["the spectator cap's 409", /409: the room has (\d+) spectators/, [MAX_SPECTATORS]],
  [
    "the ranked band",
    /within (\d+) points of the group's average \(the band widens by (\d+) with every cycle/,
    [RATING_BAND, BAND_WIDENING_PER_CYCLE],
  ],
  ["ranked match size", /into matches of (\d+) \(`RANKED_MATCH_PLAYERS`\)/, [RANKED_MATCH_PLAYERS]],
  [
    "ranked seating",
    /within (\d+) s of the room's creation \(the (\d+) s seat reservation/,
    [DEFAULT_LIMITS.seatReservationSeconds + RANKED_SEATING_GRACE_MS / 1000, DEFAULT_LIMITS.seatReservationSeconds],
  ],
  [
    "simulation rate",
    /Simulation rate \| (\d+) Hz by default \(server env `TICK_RATE`, (\d+)–(\d+)\)/,
    [DEFAULT_TICK_RATE, MIN_TICK_RATE, MAX_TICK_RATE],
  ],
  [
    "patch rate",
    /Patch rate \| (\d+) Hz \(every (\d+) ms\) \| handshake: `input.patchRate` is the interval, (\d+) \(ms\)/,
    [PATCH_RATE_HZ, 1000 / PATCH_RATE_HZ, 1000 / PATCH_RATE_HZ],
  ],
  ["match length", /Match length \| (\d+) s by default/, [DEFAULT_MATCH_SECONDS]],
  ["results screen", /Results screen \| (\d+) s/, [RESULTS_SECONDS]],
  ["lag compensation cap", /at most (\d+) ms back \(`LAG_COMPENSATION_MS`\)/, [LAG_COMPENSATION_MS]],
  ["input buffer", /at most (\d+) unconsumed frames per client \(`INPUT_BUFFER_MAX`\)/, [INPUT_BUFFER_MAX]],
  [
    "ship speed at 30 Hz",
    /the most that stays under (\d+) px\/s: at 30 Hz (\d+) steps \(([\d.]+) px, ([\d.]+) px\/s\) along one axis; diagonally (\d+) steps/,
    [
      SHIP_SPEED,
      at30Hz.shipStepUnits,
      at30Hz.shipStepUnits / 16,
      (at30Hz.shipStepUnits / 16) * 30,
      at30Hz.shipDiagonalStepUnits,
    ],
  ],
  ["fire rate", /one shot per ([\d.]+) s/, [FIRE_COOLDOWN_S]],
  ["frame size", /Frame size \(client → server\) \| (\d+) bytes \(`MAX_PAYLOAD_BYTES`\)/, [MAX_PAYLOAD_BYTES]],
  ["messages per second", /\| (\d+) \(`MAX_MESSAGES_PER_SECOND`\)/, [MAX_MESSAGES_PER_SECOND]],
  [
    "input frames per tick",
    /Input frames \| (\d+) per simulation tick on average \(`MAX_INPUTS_PER_TICK`: (\d+)\/s at 30 Hz\)/,
    [MAX_INPUTS_PER_TICK, MAX_INPUTS_PER_TICK * 30],
  ],
  [
    "input batches",
    /code (\d+): not 2–(\d+) length-prefixed well-formed input frames/,
    [INPUT_BATCH_CODE, INPUT_BATCH_MAX],
  ],
  [
    "chat rate",
    /Chat lines \| (\d+) at once, then (\d+) per (\d+) s per client \| muted for (\d+) s/,
    [CHAT_DEFAULT_RATE.burst, 1, 1 / CHAT_DEFAULT_RATE.perSecond, CHAT_DEFAULT_MUTE_MS / 1000],
  ],
  [
    "chat line length",
    /then 1–(\d+) characters \(grapheme clusters; raw, at most (\d+) UTF-16 code units and (\d+) bytes of UTF-8/,
    [CHAT_MAX_GRAPHEMES, CHAT_MAX_CODE_UNITS, CHAT_MAX_BYTES],
  ],
  ["chat history", /On join the last (\d+) player and system lines are sent/, [CHAT_DEFAULT_HISTORY_SIZE]],
  [
    "nickname length",
    /then 1–(\d+) user-perceived characters \(grapheme clusters: .*?at most (\d+) UTF-16 code units in all\)/,
    [NICKNAME_MAX_LENGTH, NICKNAME_MAX_CODE_UNITS],
  ],
  [
    "lobby and queue messages",
    /at most (\d+) bytes \(`message too large`\) and (\d+) per second \(bursts of (\d+); `message flood`\), and, as in the arena, at most (\d+) frames a second/,
    [MAX_MESSAGE_BYTES, MESSAGE_RATE.perSecond, MESSAGE_RATE.burst, MAX_MESSAGES_PER_SECOND],
  ],
  [
    "join acknowledgement",
    /Join acknowledgement \| within (\d+) s of the seat being taken/,
    [DEFAULT_LIMITS.joinAckTimeoutMs / 1000],
  ],
  ["outbound buffer", /Unread data queued for a client \| (\d+) KiB/, [DEFAULT_LIMITS.maxOutboundBufferBytes / 1024]],
  [
    "connections per address",
    /(\d+) by default \(`MAX_CONNECTIONS_PER_ADDRESS`\)/,
    [DEFAULT_LIMITS.maxConnectionsPerAddress],
  ],
  [
    "matchmaking rate",
    /(\d+)\/s, bursts of (\d+) by default \(`MATCHMAKE_RATE_PER_ADDRESS`, `MATCHMAKE_BURST_PER_ADDRESS`\); (\d+)\/s, bursts of (\d+), for all addresses together/,
    [
      DEFAULT_LIMITS.matchmakePerAddress.perSecond,
      DEFAULT_LIMITS.matchmakePerAddress.burst,
      DEFAULT_LIMITS.matchmakeGlobal.perSecond,
      DEFAULT_LIMITS.matchmakeGlobal.burst,
    ],
  ],
  [
    "room creation rate",
    /(\d+) per (\d+) s, bursts of (\d+) by default \(`CREATE_RATE_PER_ADDRESS`, `CREATE_BURST_PER_ADDRESS`\); (\d+)\/s, bursts of (\d+), for all together \(`CREATE_RATE_GLOBAL`\); at most (\d+) rooms per process/,
    [
      1,
      1 / DEFAULT_LIMITS.createPerAddress.perSecond,
      DEFAULT_LIMITS.createPerAddress.burst,
      DEFAULT_LIMITS.createGlobal.perSecond,
      DEFAULT_LIMITS.createGlobal.burst,
      DEFAULT_LIMITS.maxRooms,
    ],
  ],
  [
    "seat reservation",
    /Seat reservation \| (\d+) s to open the room WebSocket/,
    [DEFAULT_LIMITS.seatReservationSeconds],
  ],
  [
    "game rules",
    /Ships are circles of radius (\d+) px; projectiles of radius (\d+) px at (\d+) px\/s. - A hit takes (\d+) hp;.*? respawns after (\d+) s at a spawn point away from enemies, with (\d+) s of spawn protection/,
    [SHIP_RADIUS, PROJECTILE_RADIUS, PROJECTILE_SPEED, PROJECTILE_DAMAGE, RESPAWN_DELAY_S, SPAWN_PROTECTION_S],
  ],
  [
    "minimum pilots",
    /A room with fewer than (\d+) pilots \(`MIN_PLAYERS`; a ranked room: its (\d+)\)/,
    [env.minPlayers!, RANKED_MATCH_PLAYERS],
  ],
  ["results phase", /`phase` becomes 1 for (\d+) s/, [RESULTS_SECONDS]],
  [
    "reconnection grace",
    /keeps its seat, ship and score for (\d+) s \(`RECONNECT_GRACE_SECONDS`\)/,
    [RECONNECT_GRACE_SECONDS],
  ],
  [
    "heartbeat",
    /the server pings each socket every (\d+) s and terminates one that misses two pings in a row/,
    [PING_INTERVAL_MS / 1000],
  ],
  ["live feed replay", /then up to (\d+) recent events \(oldest first\)/, [LIVE_HISTORY]],
  [
    "players' share of the live feed",
    /a burst of (\d+), then at most one per (\d+) s \(a token bucket, one per\s+process for all its arenas, refilled one token per (\d+) s up to (\d+)\)/,
    [LIVE_SHARE_BURST, LIVE_SHARE_EVERY_MS / 1000, LIVE_SHARE_EVERY_MS / 1000, LIVE_SHARE_BURST],
  ],
  [
    "kill streaks",
    /A pilot destroyed (\d+), (\d+), (\d+)… ships without being destroyed/,
    [KILL_STREAK_ANNOUNCED, 2 * KILL_STREAK_ANNOUNCED, 3 * KILL_STREAK_ANNOUNCED],
  ],
];

describe("PROTOCOL.md's numbers are the code's", () => {
  it.each(ROWS)("%s", (_what, pattern, actual) => {
    expect(documented(pattern)).toEqual(actual);
  });

  it("heartbeat: terminated after two missed pings", () => {
    expect(PROTOCOL).toContain("terminates one that misses two pings in a row");
    expect(PING_MAX_RETRIES).toBe(2);
  });
});
