/**
 * Where a player asks to go from the menu: quick play, a new private room, a room by code, a
 * public room to watch, or a seat the ranked queue found. One place turns each into the SDK call.
 */
import type { Client } from "@colyseus/sdk";
import { RoomName } from "../../../shared/protocol.ts";
import { isRoomCode, normalizeRoomCode } from "../../../shared/room-code.ts";
import type { AnyArenaState } from "../../../shared/schema.ts";

export type JoinTarget =
  | { readonly kind: "quick"; readonly roomName?: string }
  | { readonly kind: "private" }
  | { readonly kind: "code"; readonly code: string }
  | { readonly kind: "room"; readonly roomId: string }
  | { readonly kind: "watch"; readonly roomId: string }
  | { readonly kind: "seat"; readonly reservation: SeatReservation };

/** A seat reservation as the server hands it out (ranked queue, spectating). */
export type SeatReservation = Parameters<Client["consumeSeatReservation"]>[0];

/**
 * Joins `target` with the client (which holds the player's token) as `name`. The state is
 * decoded from the server's own schema description (no root class given): an `arena` may be
 * a standard or a large one, depending on the server's configuration.
 */
export async function joinTarget(client: Client, serverUrl: string, target: JoinTarget, name: string) {
  switch (target.kind) {
    case "quick":
      return client.joinOrCreate<AnyArenaState>(target.roomName ?? RoomName.Arena, { name });
    case "private":
      return client.create<AnyArenaState>(RoomName.Arena, { name, private: true });
    case "code":
      return client.joinById<AnyArenaState>(target.code, { name });
    case "room":
      return client.joinById<AnyArenaState>(target.roomId, { name });
    case "watch": {
      const res = await fetch(`${serverUrl.replace(/\/$/, "")}/spectate/${encodeURIComponent(target.roomId)}`, {
        method: "POST",
        headers: { authorization: `Bearer ${client.auth.token ?? ""}` },
      });
      const body = (await res.json().catch(() => ({}))) as SeatReservation & { error?: string };
      if (!res.ok) throw Object.assign(new Error(body.error ?? `HTTP ${res.status}`), { code: res.status });
      return client.consumeSeatReservation<AnyArenaState>(body);
    }
    case "seat":
      return client.consumeSeatReservation<AnyArenaState>(target.reservation);
  }
}

/** An invite in a page address: the room code as written, and normalised (null if it is not a code). */
export interface Invite {
  readonly raw: string;
  readonly code: string | null;
}

/** The invite in a page address (`?room=ABC234`), or null when the address has none. */
export function inviteFromAddress(search: string): Invite | null {
  const raw = new URLSearchParams(search).get("room");
  if (raw === null) return null;
  const code = normalizeRoomCode(raw);
  return { raw, code: isRoomCode(code) ? code : null };
}

/** `href` without its invite (`room=`), its other parameters (`?lag=150`…) and hash kept. */
export function withoutInvite(href: string): string {
  const url = new URL(href);
  url.searchParams.delete("room");
  return url.href;
}

/** The shareable address of a private room. */
export function inviteLink(code: string, origin = globalThis.location?.origin ?? ""): string {
  return `${origin}/?room=${code}`;
}
