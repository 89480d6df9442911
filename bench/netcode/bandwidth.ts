/**
 * Bandwidth of the state stream.
 *
 * Bytes per moving-entity update: 15 light clients (bench/light) move in the eight directions, a
 * new one every second, aiming where they go and never firing, so every ship is in motion each
 * tick unless a wall stops it. One full SDK client in the same room (16 players) decodes the
 * state and sees every WebSocket message as it arrives (wrapping the connection's message
 * handler, as client/src/net/traffic.ts does). For each state patch it counts the ships whose
 * position changed since the previous patch: those are the moving-entity updates it carried.
 * Figure = state-patch payload bytes (the whole message: protocol byte, the timing prefix, the
 * root's tick, everything) ÷ moving-entity updates, over the window. The per-patch overhead is
 * thus charged to the entities; the marginal cost (patch bytes above an idle room's patch, per
 * moving entity) is given beside it.
 *
 * Bytes down and up per client per second: swarms of players, each the browser client's session
 * module driven by the bots' brain (bots/brain.ts: roams, aims, fires; stepped at the tick rate
 * as bots/swarm.ts does), 16 on the default map and 64 on `MAP=large ROOM_PLAYERS=64`, every
 * connection through a counting TCP proxy (byte-proxy.ts). Counted: TCP payload of each room
 * WebSocket, i.e. WebSocket frames with their headers plus keep-alive pings/pongs (no TCP/IP
 * headers, no HTTP). After the swarm is seated and has played 2 s, the hold is measured whole:
 * its bytes per second per client, the mean over clients (1 KB = 1000 bytes); it is also cut
 * into windows to show how the rate moved within it. The bench repeats the whole measurement
 * (a fresh swarm, a fresh room) and quotes the median run: the bots' fights make the rate swing.
 * Up is what the session module sends (an input per tick, pings), while playing.
 */
import { Client, type Room } from "@colyseus/sdk";
import { Protocol, PROTOCOL_CODE_MASK } from "@colyseus/shared-types";
import { createBrainMemory, decide, IDLE_FRAME, type BrainMemory } from "../../bots/brain.ts";
import type { GameSession } from "../../client/src/net/session.ts";
import type { GameSnapshot } from "../../client/src/net/types.ts";
import { ColyseusLightClient } from "../light/colyseus-light-client.ts";
import { buildFrame, INPUT_PATTERNS, writeSeq, type FrameTemplate } from "../light/input-script.ts";
import { MAP_HEIGHT, MAP_WIDTH, DEFAULT_TICK_RATE } from "../../shared/constants.ts";
import { ARENA_MAP, type ArenaMap } from "../../shared/map.ts";
import { RoomName } from "../../shared/protocol.ts";
import { ArenaState, type AnyArenaState } from "../../shared/schema.ts";
import type { InputFrame } from "../../shared/sim/step.ts";
import { guestToken } from "../../test/integration/harness.ts";
import { ByteProxy, ratesBetween, type ProxySample } from "./byte-proxy.ts";
import { DeflateEstimate, type DeflateRatios } from "./deflate-estimate.ts";
import { connectSession } from "./prediction.ts";
import { mean, median, note, range, sleep, waitFor } from "./stats.ts";

// ---------------------------------------------------------------------------------------------
// Bytes per moving-entity update

/** The eight directions of the light clients' script, never firing. */
const GLIDE_FRAMES: readonly FrameTemplate[] = INPUT_PATTERNS.map((p) => buildFrame({ ...p, fire: false }));
const SEQ_ONLY = buildFrame(null);

/** A light client that glides: a new direction every second (full frame), seq-only frames between. */
class GlidingClient extends ColyseusLightClient {
  private seq = 0;
  private readonly full = Buffer.alloc(GLIDE_FRAMES[0]!.bytes.length);
  private readonly seqOnly = Buffer.from(SEQ_ONLY.bytes);

  constructor(
    url: string,
    private readonly index: number,
  ) {
    super(url, index, { name: `glider-${index}` });
  }

  protected override sendInputFrame(): void {
    this.seq += 1;
    const frameInPattern = (this.seq - 1) % DEFAULT_TICK_RATE;
    if (frameInPattern === 0) {
      const pattern = (this.index + Math.floor((this.seq - 1) / DEFAULT_TICK_RATE)) % GLIDE_FRAMES.length;
      const template = GLIDE_FRAMES[pattern]!;
      template.bytes.copy(this.full);
      writeSeq(this.full, template.seqOffset, this.seq);
      this.send(this.full);
    } else {
      writeSeq(this.seqOnly, SEQ_ONLY.seqOffset, this.seq);
      this.send(this.seqOnly);
    }
  }
}

/** Patch sizes and the ships each patch moved, as a decoding client sees them. */
interface PatchTally {
  patches: number;
  bytes: number;
  movingUpdates: number;
}

export interface EntityUpdateResult {
  /** Patch payload bytes ÷ moving-entity updates. */
  readonly bytesPerEntityUpdate: number;
  /** (Bytes per patch − bytes of an idle room's patch) ÷ moving entities per patch. */
  readonly marginalBytesPerEntity: number;
  readonly patchesPerSecond: number;
  readonly bytesPerPatch: number;
  readonly idleBytesPerPatch: number;
  readonly movingPerPatch: number;
  readonly movers: number;
  /** The figure of each window. */
  readonly perWindow: number[];
}

/** Measures bytes per moving-entity update in a room of 15 gliders and one observer. */
export async function measureEntityUpdates(url: string, windows: number, windowS: number): Promise<EntityUpdateResult> {
  const movers = Array.from({ length: 15 }, (_, i) => new GlidingClient(url, i));
  const client = new Client(url);
  client.auth.token = await guestToken(url, "Observer");
  let observer: Room<unknown, ArenaState> | null = null;
  let timer: NodeJS.Timeout | null = null;
  try {
    for (const m of movers) await m.connect();
    observer = await client.joinOrCreate(RoomName.Arena, { name: "Observer" }, ArenaState);
    observer.onMessage("*", () => undefined);
    if (new Set(movers.map((m) => m.roomId)).size !== 1 || movers[0]!.roomId !== observer.roomId) {
      throw new Error("the gliders and the observer landed in different rooms");
    }
    const room = observer;
    const tally: PatchTally = { patches: 0, bytes: 0, movingUpdates: 0 };
    const last = new Map<string, { x: number; y: number }>();
    const events = room.connection.events;
    const decode = events.onmessage;
    events.onmessage = (event: unknown) => {
      const data = (event as { data?: unknown }).data;
      const bytes =
        data instanceof ArrayBuffer
          ? new Uint8Array(data)
          : ArrayBuffer.isView(data)
            ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
            : null;
      decode?.(event);
      if (bytes === null || (bytes[0]! & PROTOCOL_CODE_MASK) !== Protocol.ROOM_STATE_PATCH) return;
      let moving = 0;
      room.state.players.forEach((p, id) => {
        const prev = last.get(id);
        if (prev !== undefined && (prev.x !== p.x || prev.y !== p.y)) moving += 1;
        last.set(id, { x: p.x, y: p.y });
      });
      tally.patches += 1;
      tally.bytes += bytes.byteLength;
      tally.movingUpdates += moving;
    };
    await waitFor(() => room.state.players.size === 16, 10_000, "16 ships in the observer's state");

    // An idle room first (nobody sends input): what a patch costs with nothing moving.
    await sleep(500);
    const idle0 = { ...tally };
    await sleep(1500);
    const idleBytesPerPatch = (tally.bytes - idle0.bytes) / Math.max(1, tally.patches - idle0.patches);

    timer = setInterval(() => {
      for (const m of movers) m.sendInput();
    }, 1000 / DEFAULT_TICK_RATE);
    await sleep(1000);
    const perWindow: number[] = [];
    const start = { ...tally };
    const t0 = performance.now();
    for (let w = 0; w < windows; w++) {
      const before = { ...tally };
      await sleep(windowS * 1000);
      perWindow.push((tally.bytes - before.bytes) / Math.max(1, tally.movingUpdates - before.movingUpdates));
    }
    const seconds = (performance.now() - t0) / 1000;
    const patches = tally.patches - start.patches;
    const bytesPerPatch = (tally.bytes - start.bytes) / Math.max(1, patches);
    const movingPerPatch = (tally.movingUpdates - start.movingUpdates) / Math.max(1, patches);
    return {
      bytesPerEntityUpdate: median(perWindow),
      marginalBytesPerEntity: (bytesPerPatch - idleBytesPerPatch) / Math.max(1e-9, movingPerPatch),
      patchesPerSecond: patches / seconds,
      bytesPerPatch,
      idleBytesPerPatch,
      movingPerPatch,
      movers: movers.length,
      perWindow,
    };
  } finally {
    if (timer !== null) clearInterval(timer);
    await observer?.leave(true).catch(() => 0);
    await Promise.all(movers.map((m) => m.close()));
  }
}

// ---------------------------------------------------------------------------------------------
// Bytes down and up per client

export interface TrafficResult {
  /** Players asked for and players seated. */
  readonly players: number;
  readonly seated: number;
  /** Room connections the proxy counted over the whole hold. */
  readonly measured: number;
  /** Frames the brain could not decide (a random move was sent instead). */
  readonly brainErrors: number;
  /** Arena rooms and connected clients on the server once everyone was seated (GET /metrics.json). */
  readonly serverRooms: number | null;
  readonly serverCcu: number | null;
  /** Most ships any player saw at once (all of its room, or those near it under interest management). */
  readonly shipsInView: number;
  /** True when some ship was seen outside the default map's bounds (a larger map). */
  readonly beyondDefaultMap: boolean;
  /**
   * Bytes per second per client over the whole hold, the mean over clients, KB/s (1000 bytes).
   * (The windows below show how it varied within the hold.)
   */
  readonly downKBps: number;
  readonly upKBps: number;
  readonly downPerWindow: number[];
  readonly upPerWindow: number[];
  /** Spread over clients of the whole hold, KB/s. */
  readonly downClients: { min: number; max: number };
  readonly upClients: { min: number; max: number };
  /**
   * Projectiles added to a client's decoded state per second over the hold, mean over clients:
   * the bots' fire sets a large share of the bytes, and it varies between runs.
   */
  readonly shotsPerClientPerSec: number;
  /**
   * Ships added to a client's decoded `players` per second over the hold, mean over clients:
   * each is sent whole (a ship entering a view under interest management, or a new one).
   */
  readonly shipEntriesPerClientPerSec: number;
  /**
   * What the room's messages carried down over the hold, bytes per second per client (mean over
   * clients), by kind: `patch` (state patches), `msg:<type>` (room messages), `other` (the rest).
   * WebSocket payloads as the SDK receives them (no frame headers, no pings).
   */
  readonly downByKind: Record<string, number>;
  /**
   * What WebSocket compression would have sent of the downstream, as a fraction of it
   * (deflate-estimate.ts): the mean over the first {@link DEFLATE_SAMPLED} clients' holds;
   * null when none was measured.
   */
  readonly deflate: DeflateRatios | null;
}

/** Clients of a run whose downstream is also fed to the compression estimate. */
const DEFLATE_SAMPLED = 4;

/** Rooms and clients of the server (GET /metrics.json), or null when it does not answer. */
async function serverCounts(url: string): Promise<{ rooms: number; ccu: number } | null> {
  try {
    const response = await fetch(`${url}/metrics.json?window=1`, { signal: AbortSignal.timeout(5000) });
    const body = (await response.json()) as { rooms?: unknown; ccu?: unknown };
    return typeof body.rooms === "number" && typeof body.ccu === "number" ? { rooms: body.rooms, ccu: body.ccu } : null;
  } catch {
    return null;
  }
}

/**
 * One player of the swarm: the browser client's session module driven by the bots' brain
 * (bots/brain.ts), stepped like bots/bot.ts does (send the frame decided on the last view, then
 * read the next). A frame the brain cannot decide (it throws on some views, e.g. two ships on
 * the same spot) becomes a random move, so the player carries on.
 */
class SwarmPlayer {
  brainErrors = 0;
  private readonly memory: BrainMemory;
  private fallback = 0;

  /** The layout the brain steers by: the room's own map when the session knows it. */
  private readonly map: ArenaMap;

  constructor(
    readonly session: GameSession,
    seed: number,
  ) {
    this.memory = createBrainMemory(seed);
    this.map = (session as unknown as { map?: ArenaMap }).map ?? ARENA_MAP;
  }

  /** The last view, for the checks on room size and map. */
  view: GameSnapshot | null = null;

  /** True during the hold: projectiles, ship entries and bytes by kind are counted only then. */
  counting = false;
  /** Projectiles that entered the decoded state. */
  readonly shots = new EntryCounter();
  /** Ships that entered the decoded `players`. */
  readonly shipEntries = new EntryCounter();
  /** Payload bytes received by kind (see `TrafficResult.downByKind`). */
  readonly bytesByKind = new Map<string, number>();
  /** When set, every message received while counting is also fed to it. */
  deflate: DeflateEstimate | null = null;

  /** Wraps the room connection's message handler (outside the session's own) to tally kinds. */
  tallyKinds(): void {
    const events = (this.session as unknown as { room?: Room }).room?.connection.events;
    if (events === undefined) return;
    const inner = events.onmessage;
    events.onmessage = (event: unknown) => {
      if (this.counting) {
        const bytes = payloadOf((event as { data?: unknown }).data);
        const kind = bytes === null ? null : messageKind(bytes);
        if (kind !== null) this.bytesByKind.set(kind.kind, (this.bytesByKind.get(kind.kind) ?? 0) + kind.bytes);
        if (bytes !== null) this.deflate?.add(bytes);
      }
      inner?.(event);
    };
  }

  /** What the next step sends: decided on the last view (the order bots/bot.ts keeps). */
  private nextFrame: InputFrame = IDLE_FRAME;

  step(now: number): void {
    this.countEntries();
    this.session.update(now, this.nextFrame);
    const view = this.session.snapshot(now);
    this.view = view;
    try {
      this.nextFrame = decide(view, this.memory, this.map);
    } catch {
      this.brainErrors += 1;
      this.fallback = (this.fallback + 3) % 8;
      const angle = (this.fallback * Math.PI) / 4;
      this.nextFrame = {
        moveX: Math.round(Math.cos(angle)),
        moveY: Math.round(Math.sin(angle)),
        aimX: 0,
        aimY: 0,
        fire: false,
      };
    }
  }

  /** Counts the projectiles and ships new in the decoded state since the last step. */
  private countEntries(): void {
    const state = (this.session as unknown as { room?: { state?: AnyArenaState } }).room?.state;
    if (state?.projectiles === undefined) return;
    this.shots.observe(state.projectiles, this.counting);
    this.shipEntries.observe(state.players, this.counting);
  }
}

/** Counts the entries that appear in a decoded map (one replaced under the same key counts as new). */
class EntryCounter {
  added = 0;
  private readonly refs = new Map<string, unknown>();

  /** Compares `map` with what it held at the last call; counts its new entries when `count`. */
  observe(map: { forEach(cb: (value: unknown, key: string) => void): void }, count: boolean): void {
    const live = new Set<string>();
    map.forEach((value, key) => {
      live.add(key);
      if (this.refs.get(key) === value) return;
      this.refs.set(key, value);
      if (count) this.added += 1;
    });
    for (const key of this.refs.keys()) if (!live.has(key)) this.refs.delete(key);
  }
}

/** Several traffic runs of one size: the figure is the median run's, with every run's beside it. */
export interface TrafficRuns extends TrafficResult {
  /** Down and up KB/s per client of each run, in the order they ran. */
  readonly runsDownKBps: number[];
  readonly runsUpKBps: number[];
}

/**
 * The runs summarized: the run with the median bytes down stands for them (its details are
 * printed), `downKBps` and `upKBps` are the medians over runs; null when no run succeeded.
 */
export function summarizeTraffic(runs: readonly TrafficResult[]): TrafficRuns | null {
  if (runs.length === 0) return null;
  const sorted = [...runs].sort((a, b) => a.downKBps - b.downKBps);
  const middle = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return {
    ...middle,
    downKBps: median(runs.map((r) => r.downKBps)),
    upKBps: median(runs.map((r) => r.upKBps)),
    runsDownKBps: runs.map((r) => r.downKBps),
    runsUpKBps: runs.map((r) => r.upKBps),
  };
}

/** The bytes of a received frame, or null for one that is not binary. */
function payloadOf(data: unknown): Uint8Array | null {
  return data instanceof ArrayBuffer
    ? new Uint8Array(data)
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : null;
}

/** The kind of a received room message and its size, or null for an empty one. */
function messageKind(bytes: Uint8Array): { kind: string; bytes: number } | null {
  if (bytes.byteLength === 0) return null;
  const code = bytes[0]! & PROTOCOL_CODE_MASK;
  if (code === Protocol.ROOM_STATE_PATCH) return { kind: "patch", bytes: bytes.byteLength };
  if (code === Protocol.ROOM_DATA) {
    // The type follows the code as a schema string (a fixstr: 0xa0 | length, then the bytes).
    const head = bytes[1] ?? 0;
    if ((head & 0xe0) === 0xa0) {
      const type = new TextDecoder().decode(bytes.subarray(2, 2 + (head & 0x1f)));
      return { kind: `msg:${type}`, bytes: bytes.byteLength };
    }
    return { kind: "msg:?", bytes: bytes.byteLength };
  }
  return { kind: "other", bytes: bytes.byteLength };
}

/** Bytes per second per client by kind, the mean over the swarm. */
function meanByKind(swarm: readonly SwarmPlayer[], holdS: number): Record<string, number> {
  const sums = new Map<string, number>();
  for (const p of swarm) for (const [k, b] of p.bytesByKind) sums.set(k, (sums.get(k) ?? 0) + b);
  const out: Record<string, number> = {};
  for (const [k, b] of [...sums].sort((a, b) => b[1] - a[1])) out[k] = b / Math.max(1, swarm.length) / holdS;
  return out;
}

/** Plays `players` bots on the server at `url` through a counting proxy and measures their traffic. */
export async function measureTraffic(
  url: string,
  players: number,
  windows: number,
  windowS: number,
  seed: number,
): Promise<TrafficResult> {
  const proxy = await ByteProxy.start(url);
  const swarm: SwarmPlayer[] = [];
  let driver: NodeJS.Timeout | null = null;
  try {
    const joins = await Promise.allSettled(
      Array.from({ length: players }, async (_, i) => {
        await sleep(i * 25);
        const session = await connectSession(proxy.url, `B${i + 1}`);
        const player = new SwarmPlayer(session, seed * 1000 + i);
        player.tallyKinds();
        if (i < DEFLATE_SAMPLED) player.deflate = new DeflateEstimate();
        swarm.push(player);
      }),
    );
    const failed = joins.filter((j) => j.status === "rejected").length;
    if (failed > 0) note(`${failed} of ${players} players could not join`);
    driver = setInterval(() => {
      const now = performance.now();
      for (const p of swarm) p.step(now);
    }, 1000 / DEFAULT_TICK_RATE);
    await sleep(2000);
    const counts = await serverCounts(url);
    for (const p of swarm) p.counting = true;
    const samples: ProxySample[] = [proxy.sample()];
    const times: number[] = [performance.now()];
    let shipsInView = 0;
    let beyond = false;
    const look = (): void => {
      for (const p of swarm) {
        if (p.view === null) continue;
        shipsInView = Math.max(shipsInView, p.view.players.length);
        if (p.view.players.some((v) => v.x > MAP_WIDTH || v.y > MAP_HEIGHT)) beyond = true;
      }
    };
    for (let w = 0; w < windows; w++) {
      const end = performance.now() + windowS * 1000;
      while (performance.now() < end) {
        look();
        await sleep(Math.min(250, Math.max(0, end - performance.now())));
      }
      samples.push(proxy.sample());
      times.push(performance.now());
    }
    const downPerWindow: number[] = [];
    const upPerWindow: number[] = [];
    for (let w = 0; w < windows; w++) {
      const rates = ratesBetween(samples[w]!, samples[w + 1]!, (times[w + 1]! - times[w]!) / 1000);
      downPerWindow.push(rates.reduce((a, r) => a + r.downBps, 0) / Math.max(1, rates.length) / 1000);
      upPerWindow.push(rates.reduce((a, r) => a + r.upBps, 0) / Math.max(1, rates.length) / 1000);
    }
    for (const p of swarm) p.counting = false;
    const deflated = (await Promise.all(swarm.map((p) => p.deflate?.finish() ?? null))).filter(
      (d): d is DeflateRatios => d !== null,
    );
    const holdS = (times.at(-1)! - times[0]!) / 1000;
    const whole = ratesBetween(samples[0]!, samples.at(-1)!, holdS);
    return {
      players,
      seated: swarm.length,
      measured: whole.length,
      serverRooms: counts?.rooms ?? null,
      serverCcu: counts?.ccu ?? null,
      shipsInView,
      beyondDefaultMap: beyond,
      brainErrors: swarm.reduce((a, p) => a + p.brainErrors, 0),
      downKBps: mean(whole.map((r) => r.downBps)) / 1000,
      upKBps: mean(whole.map((r) => r.upBps)) / 1000,
      downPerWindow,
      upPerWindow,
      downClients: range(whole.map((r) => r.downBps / 1000)),
      upClients: range(whole.map((r) => r.upBps / 1000)),
      shotsPerClientPerSec: mean(swarm.map((p) => p.shots.added)) / holdS,
      shipEntriesPerClientPerSec: mean(swarm.map((p) => p.shipEntries.added)) / holdS,
      downByKind: meanByKind(swarm, holdS),
      deflate:
        deflated.length === 0
          ? null
          : {
              defaultWindow: mean(deflated.map((d) => d.defaultWindow)),
              leanWindow: mean(deflated.map((d) => d.leanWindow)),
              rawBytes: deflated.reduce((a, d) => a + d.rawBytes, 0),
            },
    };
  } finally {
    if (driver !== null) clearInterval(driver);
    for (const p of swarm) p.session.dispose();
    await sleep(300);
    await proxy.close();
  }
}
