/**
 * The few pieces of the Colyseus 0.18 client protocol a light client needs, as pure functions:
 * the HTTP URLs (matchmaking, and the guest-token route beside it), the headers of a
 * matchmaking request (with the guest token as a Bearer token, as the SDK sends
 * `client.auth.token`), the room WebSocket URL built from a seat reservation (as the SDK's
 * `Client.buildEndpoint` does), and the JOIN_ROOM handshake (as the SDK's `Room` reads it).
 * Everything else the light client does is one byte of protocol code per message.
 */
import { decode, type Iterator } from "@colyseus/schema";
import { HandshakeSection, InputFlags, type ISeatReservation } from "@colyseus/shared-types";

/** Where the SDK would talk to, derived from a base URL like the SDK's `new Client(url)`. */
export interface EndpointSettings {
  readonly hostname: string;
  readonly port: number;
  readonly secure: boolean;
  /** Without a trailing slash ("" for the root). */
  readonly pathname: string;
  /** The base URL's query string without "?", or "" when none. */
  readonly searchParams: string;
}

/** Parses a base URL (http, https, ws or wss) the way `new Client(url)` does. */
export function endpointSettings(baseUrl: string): EndpointSettings {
  const url = new URL(baseUrl);
  const secure = url.protocol === "https:" || url.protocol === "wss:";
  let pathname = url.pathname;
  if (pathname.endsWith("/")) pathname = pathname.slice(0, -1);
  return {
    hostname: url.hostname,
    port: Number(url.port || (secure ? 443 : 80)),
    secure,
    pathname,
    searchParams: url.searchParams.toString(),
  };
}

/** The SDK omits ports 80 and 443 from every URL it builds, whatever the scheme. */
function portSuffix(settings: EndpointSettings): string {
  return settings.port !== 80 && settings.port !== 443 ? `:${settings.port}` : "";
}

/** An HTTP route of the server, as the SDK's `getHttpEndpoint(path)` builds it (base query kept). */
export function httpEndpoint(settings: EndpointSettings, route: string): string {
  const base = `${settings.secure ? "https" : "http"}://${settings.hostname}${portSuffix(settings)}${settings.pathname}`;
  const query = settings.searchParams ? `?${settings.searchParams}` : "";
  return `${base}${route.startsWith("/") ? route : `/${route}`}${query}`;
}

/** `POST` target of a matchmaking call, e.g. `http://host:port/matchmake/joinOrCreate/arena`. */
export function matchmakeUrl(settings: EndpointSettings, method: string, roomName: string): string {
  return httpEndpoint(settings, `/matchmake/${method}/${roomName}`);
}

/** `POST` target that hands out guest tokens (`{ name? }` → `{ token, playerId, name, … }`). */
export function guestTokenUrl(settings: EndpointSettings): string {
  return httpEndpoint(settings, "/auth/guest");
}

/**
 * Headers of a matchmaking request, as the SDK sends them: JSON both ways and, with a guest
 * token, `Authorization: Bearer <token>` (what `client.auth.token = token` adds). Every arena
 * join needs the token: without one the server answers 401 "missing token: …".
 */
export function matchmakeHeaders(token: string | null): Record<string, string> {
  return {
    Accept: "application/json",
    "Content-Type": "application/json",
    ...(token !== null ? { Authorization: `Bearer ${token}` } : {}),
  };
}

/** What the room WebSocket URL carries beyond the reservation. */
export interface RoomEndpointOptions {
  /**
   * Adds `skipHandshake=1`, as the SDK does when it was given the state's root schema (the game
   * client and the test harness both are): the server then leaves the state reflection out of
   * the JOIN_ROOM message. The input sections are sent either way.
   */
  readonly skipHandshake: boolean;
  /**
   * The guest token, forwarded as `_authToken=…` as the SDK does whenever `client.auth.token`
   * is set. The arena checks the token at matchmaking, not here; the light client sends it
   * anyway so its upgrade request is the SDK's.
   */
  readonly authToken?: string;
}

/**
 * The room WebSocket URL for a seat reservation, as `Client.buildEndpoint` plus `Room.connect`
 * build it: `ws[s]://{publicAddress | host:port/path}/{processId}/{roomId}?{base query}&sessionId=…
 * [&reconnectionToken=…][&_authToken=…][&skipHandshake=1]`.
 */
export function roomEndpoint(
  settings: EndpointSettings,
  reservation: ISeatReservation,
  options: RoomEndpointOptions,
): string {
  const params: string[] = [];
  if (settings.searchParams) params.push(settings.searchParams);
  params.push(`sessionId=${encodeURIComponent(reservation.sessionId)}`);
  if (reservation.reconnectionToken) {
    params.push(`reconnectionToken=${encodeURIComponent(reservation.reconnectionToken)}`);
  }
  if (options.authToken) params.push(`_authToken=${encodeURIComponent(options.authToken)}`);
  const host = reservation.publicAddress
    ? reservation.publicAddress
    : `${settings.hostname}${portSuffix(settings)}${settings.pathname}`;
  const url = `${settings.secure ? "wss" : "ws"}://${host}/${reservation.processId}/${reservation.roomId}?${params.join("&")}`;
  return options.skipHandshake ? `${url}&skipHandshake=1` : url;
}

/** Checks that a matchmaking answer is a usable seat reservation. */
export function isSeatReservation(value: unknown): value is ISeatReservation {
  if (typeof value !== "object" || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.sessionId === "string" &&
    typeof r.roomId === "string" &&
    typeof r.name === "string" &&
    (r.processId === undefined || typeof r.processId === "string") &&
    (r.publicAddress === undefined || typeof r.publicAddress === "string")
  );
}

/** What a light client needs from the JOIN_ROOM handshake. */
export interface JoinRoomInfo {
  readonly reconnectionToken: string;
  readonly serializerId: string;
  /** `InputFlags` of the INPUT_OPTIONS section; 0 when the room defined no input. */
  readonly inputFlags: number;
  /** Patch interval in ms, when the room announced it. */
  readonly patchRateMs: number | undefined;
  /** Fixed simulation rate in Hz, when the room announced it. */
  readonly tickRate: number | undefined;
}

/**
 * Reads a JOIN_ROOM message (`[10][len][token][len][serializerId][varint len][state
 * reflection][tag][varint len][section]…`), skipping the state reflection and unknown sections.
 */
export function parseJoinRoom(buffer: Uint8Array): JoinRoomInfo {
  const bytes = buffer as Buffer;
  const it: Iterator = { offset: 1 };
  const tokenLength = bytes[it.offset++] ?? 0;
  const reconnectionToken = decode.utf8Read(bytes, it, tokenLength);
  const serializerLength = bytes[it.offset++] ?? 0;
  const serializerId = decode.utf8Read(bytes, it, serializerLength);
  const reflectionLength = decode.number(bytes, it);
  it.offset += reflectionLength;

  let inputFlags = 0;
  let tickRate: number | undefined;
  let patchRateMs: number | undefined;
  while (it.offset < bytes.byteLength) {
    const tag = bytes[it.offset++];
    const sectionLength = decode.number(bytes, it);
    const sectionEnd = it.offset + sectionLength;
    if (tag === HandshakeSection.INPUT_OPTIONS && sectionLength > 0) {
      inputFlags = bytes[it.offset++] ?? 0;
      // Trailing varints appear in flag-bit order.
      if (inputFlags & InputFlags.FIXED_TIMESTEP) tickRate = decode.number(bytes, it);
      if (inputFlags & InputFlags.PATCH_RATE) patchRateMs = decode.number(bytes, it);
    }
    it.offset = sectionEnd;
  }
  if (it.offset > bytes.byteLength) throw new Error("truncated JOIN_ROOM message");
  return { reconnectionToken, serializerId, inputFlags, patchRateMs, tickRate };
}

/** Reads an ERROR message (`[11][number code][string message]`) for a readable rejection. */
export function parseErrorMessage(buffer: Uint8Array): { code: number; message: string } {
  const bytes = buffer as Buffer;
  const it: Iterator = { offset: 1 };
  try {
    const code = decode.number(bytes, it);
    const message = decode.string(bytes, it);
    return { code, message };
  } catch {
    return { code: 0, message: "unreadable error message" };
  }
}
