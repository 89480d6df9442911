/**
 * The live list of open public arenas, from the server's lobby room (Colyseus `LobbyRoom`):
 * the full list on join ("rooms"), then each change ("+" adds or updates, "-" removes). The
 * menu draws it; nothing here polls.
 */
import { Client, type Room } from "@colyseus/sdk";
import { RoomName, type ArenaListing } from "../../../shared/protocol.ts";

/** One open room as the menu shows it. */
export interface OpenRoom {
  readonly roomId: string;
  readonly listing: ArenaListing;
  readonly locked: boolean;
}

interface RawListing {
  readonly roomId: string;
  readonly locked?: boolean;
  readonly metadata?: ArenaListing;
}

/** A subscription to the lobby; `close()` leaves it. */
export class LobbyFeed {
  private readonly rooms = new Map<string, OpenRoom>();

  private constructor(
    private readonly room: Room,
    private readonly onChange: (rooms: readonly OpenRoom[]) => void,
  ) {
    room.onMessage("rooms", (list: RawListing[]) => {
      this.rooms.clear();
      for (const raw of list) this.put(raw);
      this.emit();
    });
    room.onMessage("+", ([roomId, raw]: [string, RawListing]) => {
      this.put({ ...raw, roomId });
      this.emit();
    });
    room.onMessage("-", (roomId: string) => {
      this.rooms.delete(roomId);
      this.emit();
    });
  }

  /** Joins the lobby; `onChange` gets the whole list each time it changes. */
  static async open(serverUrl: string, onChange: (rooms: readonly OpenRoom[]) => void): Promise<LobbyFeed> {
    const room = await new Client(serverUrl).joinOrCreate(RoomName.Lobby);
    room.reconnection.maxRetries = 3;
    return new LobbyFeed(room, onChange);
  }

  close(): void {
    void this.room.leave(true).catch(() => undefined);
  }

  private put(raw: RawListing): void {
    const listing = raw.metadata;
    if (listing === undefined || listing.mode !== "quick") return;
    this.rooms.set(raw.roomId, { roomId: raw.roomId, listing, locked: raw.locked === true });
  }

  private emit(): void {
    const list = [...this.rooms.values()].sort(
      (a, b) => b.listing.players - a.listing.players || a.roomId.localeCompare(b.roomId),
    );
    this.onChange(list);
  }
}
