/**
 * Human-readable text for the ways a join or a session can fail. Pure, so the wording is
 * tested and shared by every scene.
 */
import { CloseCodes } from "../../../shared/protocol.ts";

/** WebSocket and Colyseus close codes the client knows by number (beyond shared CloseCodes). */
export const Close = {
  Normal: 1000,
  GoingAway: 1001,
  NoStatus: 1005,
  Abnormal: 1006,
  FailedToReconnect: 4003,
} as const;

/** Text for a session that ended with `code` (and the server's `reason`, if any). */
export function describeClose(code: number, reason?: string): string {
  const detail = reason?.trim();
  switch (code) {
    case CloseCodes.Consented:
      return "You left the match.";
    case CloseCodes.ServerShutdown:
      return "The server is restarting.";
    case CloseCodes.ProtocolError:
      return detail ? `Disconnected by the server: ${detail}.` : "Disconnected by the server (protocol error).";
    case CloseCodes.MatchOver:
      return "The ranked match is over: your new rating is on the leaderboard. Queue again for another.";
    case CloseCodes.MatchCancelled:
      return "The ranked match was called off: not every pilot took their seat. Queue again.";
    case CloseCodes.RoomError:
      return "The match stopped after a server error. Press Play to join another.";
    case Close.FailedToReconnect:
      return "Lost the connection to the server and could not reconnect.";
    case Close.Normal:
    case Close.GoingAway:
    case Close.NoStatus:
    case Close.Abnormal:
      return "Lost the connection to the server.";
    default:
      return detail ? `Disconnected: ${detail} (code ${code}).` : `Disconnected (code ${code}).`;
  }
}

/** Text for a failed join; `serverUrl` is named when the server could not be reached at all. */
export function describeJoinError(error: unknown, serverUrl: string): string {
  if (error instanceof TypeError || isNetworkFailure(error)) {
    return `Cannot reach the game server at ${serverUrl}.`;
  }
  const message = error instanceof Error ? error.message.trim() : typeof error === "string" ? error.trim() : "";
  if (message === "") return "Could not join a match.";
  // The server reports invalid names as "invalid join options: name: <why>".
  const invalid = /^invalid join options: (?:name: )?(.*)$/i.exec(message);
  if (invalid?.[1] !== undefined) return `Name rejected: ${invalid[1]}.`;
  // joinById of a code no live room has: mistyped, or the room ended (everyone left).
  const missing = /^room "([^"]*)" (?:not found|has been disposed|is locked)/i.exec(message);
  if (missing !== null) {
    return /locked/i.test(message)
      ? `Room ${missing[1]} is full.`
      : `No room has the code ${missing[1]}: check it, or the room may have ended.`;
  }
  return `Could not join a match: ${message}`;
}

function isNetworkFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // Browsers say "Failed to fetch" / "NetworkError" / "Load failed"; Node (bots) says "fetch failed".
  return /failed to fetch|fetch failed|networkerror|load failed|econnrefused/i.test(error.message);
}
