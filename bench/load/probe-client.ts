/**
 * A full probe client: the real `@colyseus/sdk` with the shared schema classes, decoding every
 * patch as a browser would. A few of them run beside the light clients and measure what a
 * player experiences: patch inter-arrival times and input-to-acknowledgement latency (from
 * sending an input to the patch whose ack covers it).
 *
 * It talks to the SDK directly instead of through `client/src/net/session.ts` because it must
 * read the input handle's send times and acks, which the game session rightly hides. Like the
 * browser, it holds a guest token before it matchmakes (`client.auth.token`): given by the load
 * run (prefetched), or fetched before its time to seat starts.
 */
import { Client, type InputHandle, type Room } from "@colyseus/sdk";
import { AIM_SCALE } from "../../shared/constants.ts";
import { RoomName, ServerMessage } from "../../shared/protocol.ts";
import { ArenaState, PlayerInput } from "../../shared/schema.ts";
import { fetchGuestToken } from "../light/guest-tokens.ts";
import type { LoadClient, TrafficCounters } from "./types.ts";

/** Input-to-ack latencies are reported to this callback, in ms. */
export type AckSink = (latencyMs: number) => void;

/** A probe: a `LoadClient` that also reports input-to-ack latencies. */
export class ProbeClient implements LoadClient {
  readonly counters: TrafficCounters = { bytesIn: 0, bytesOut: 0, framesIn: 0, framesOut: 0 };
  closeCode: number | null = null;
  onPatch: ((nowMs: number) => void) | null = null;
  onAck: AckSink | null = null;

  private room: Room<unknown, ArenaState> | null = null;
  private input: InputHandle<PlayerInput> | null = null;
  private readonly sentAt = new Map<number, number>();
  private acked = 0;
  private seq = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly name: string,
    /** Guest token for matchmaking; fetched at `connect()` when absent. */
    private token: string | null = null,
  ) {}

  async connect(): Promise<number> {
    this.token ??= (await fetchGuestToken(this.baseUrl)).token;
    const client = new Client(this.baseUrl);
    client.auth.token = this.token;
    const started = performance.now();
    const room: Room<unknown, ArenaState> = await client.joinOrCreate(RoomName.Arena, { name: this.name }, ArenaState);
    this.room = room;
    room.reconnection.maxRetries = 0;
    const seated = performance.now() - started;
    this.input = room.input<PlayerInput>({ mode: "reliable", type: PlayerInput });
    this.input.onSend((seq) => this.sentAt.set(seq, performance.now()));
    room.onStateChange(() => this.onState());
    // Counted as traffic, nothing to do (unhandled types would print SDK warnings).
    for (const type of [ServerMessage.Kill, ServerMessage.Welcome, ServerMessage.Chat]) {
      room.onMessage(type, () => undefined);
    }
    room.onLeave((code) => {
      this.closeCode = code;
    });
    return seated;
  }

  sendInput(): void {
    const input = this.input;
    if (input === null || this.closeCode !== null) return;
    this.seq += 1;
    const phase = Math.floor(this.seq / 30) % 4;
    input.data.seq = this.seq;
    input.data.moveX = phase === 0 ? 1 : phase === 2 ? -1 : 0;
    input.data.moveY = phase === 1 ? 1 : phase === 3 ? -1 : 0;
    input.data.aimX = phase % 2 === 0 ? AIM_SCALE : 0;
    input.data.aimY = phase % 2 === 0 ? 0 : AIM_SCALE;
    input.data.fire = this.seq % 15 === 0;
    input.send();
    this.counters.framesOut += 1;
  }

  async close(): Promise<void> {
    const room = this.room;
    if (room === null || this.closeCode !== null) return;
    await Promise.race([room.leave(true).catch(() => 0), new Promise((r) => setTimeout(r, 2000))]);
  }

  /** Every decoded patch: note its arrival, and the latency of each input it acknowledges. */
  private onState(): void {
    const now = performance.now();
    this.counters.framesIn += 1;
    this.onPatch?.(now);
    const input = this.input;
    if (input === null) return;
    const acked = input.lastProcessed;
    for (let s = this.acked + 1; s <= acked; s++) {
      const sent = this.sentAt.get(s);
      if (sent !== undefined) {
        this.onAck?.(now - sent);
        this.sentAt.delete(s);
      }
    }
    this.acked = Math.max(this.acked, acked);
  }
}
