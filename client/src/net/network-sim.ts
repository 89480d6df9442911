/**
 * A network-conditions simulator between the SDK and its socket: added latency, jitter and loss,
 * for the browser (`?lag=150&jitter=30&loss=1`), bots and tests. It is wrapped around the
 * connection only when some condition is set; otherwise the SDK talks to its socket directly.
 *
 * Loss on a WebSocket is TCP loss: the frame is not gone, it is retransmitted, and everything
 * behind it waits (head-of-line blocking). So a "lost" frame here is held back one
 * retransmission timeout more, and the frames after it queue behind it, in order.
 */

/** Simulated conditions of the link. */
export interface NetworkConditions {
  /** Added round trip in ms: each direction is held back lagMs / 2 on average. */
  readonly lagMs: number;
  /** Spread of the round trip in ms: each direction varies by ± jitterMs / 2 (order is kept). */
  readonly jitterMs: number;
  /** Percentage (0–100) of frames lost in each direction and retransmitted. */
  readonly lossPercent?: number;
  /** Source of randomness in [0, 1) for jitter and loss; Math.random when absent. */
  readonly random?: () => number;
}

/** Extra delay of a lost frame: a TCP retransmission timeout (Linux's minimum is 200 ms). */
export const RETRANSMIT_MS = 200;

/** True when the conditions change anything (otherwise nothing is wrapped). */
export function hasNetworkEffects(c: NetworkConditions): boolean {
  return c.lagMs > 0 || c.jitterMs > 0 || (c.lossPercent ?? 0) > 0;
}

/** Limits of what the URL may ask for, so a typo cannot freeze the page. */
const MAX_LAG_MS = 2000;
const MAX_JITTER_MS = 1000;

/**
 * Reads `lag`, `jitter` and `loss` from a page's query string (`?lag=150&jitter=30&loss=1`);
 * null when none is set. Values are clamped to sane ranges; anything unreadable counts as 0.
 */
export function parseNetworkConditions(search: string): NetworkConditions | null {
  const params = new URLSearchParams(search);
  if (!params.has("lag") && !params.has("jitter") && !params.has("loss")) return null;
  const read = (key: string, max: number): number => {
    const v = Number(params.get(key) ?? 0);
    return Number.isFinite(v) ? Math.min(Math.max(v, 0), max) : 0;
  };
  return { lagMs: read("lag", MAX_LAG_MS), jitterMs: read("jitter", MAX_JITTER_MS), lossPercent: read("loss", 100) };
}

/** The parts of the SDK's `room.connection` the simulator wraps. */
export interface SimulatedConnection {
  send(data: Uint8Array): void;
  sendUnreliable(data: Uint8Array): void;
  readonly isOpen: boolean;
  readonly events: {
    onmessage?: ((event: unknown) => void) | null;
    onclose?: ((event: unknown) => void) | null;
    onopen?: ((event: unknown) => void) | null;
  };
}

/**
 * Holds items back and hands them on in arrival order, each no earlier than its own delay
 * (a later item never overtakes an earlier one). One timer per line, however many items wait.
 */
class DelayLine<T> {
  private readonly queue: { at: number; item: T }[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastAt = 0;

  constructor(
    private readonly delayMs: () => number,
    private readonly deliver: (item: T) => void,
  ) {}

  push(item: T): void {
    const now = performance.now();
    const at = Math.max(now + this.delayMs(), this.lastAt);
    this.lastAt = at;
    this.queue.push({ at, item });
    if (this.timer === null) this.arm(now);
  }

  private arm(now: number): void {
    const first = this.queue[0];
    if (first !== undefined) this.timer = setTimeout(() => this.flush(), Math.max(0, first.at - now));
  }

  private flush(): void {
    this.timer = null;
    const now = performance.now();
    try {
      for (let next = this.queue[0]; next !== undefined && next.at <= now; next = this.queue[0]) {
        this.queue.shift();
        this.deliver(next.item);
      }
    } finally {
      this.arm(now);
    }
  }
}

/**
 * Puts the simulated link between the connection and its socket: every frame sent and every
 * message and close received waits lag/2 ± jitter/2 ms (plus a retransmission when "lost"), in
 * order. Frames still held for a socket that has closed are lost with it, as on a real network,
 * so nothing from an old socket reaches a reconnected one. The SDK's handlers run unchanged.
 */
export function simulateNetwork(connection: SimulatedConnection, conditions: NetworkConditions): void {
  const random = conditions.random ?? Math.random;
  const loss = (conditions.lossPercent ?? 0) / 100;
  const oneWay = (): number => {
    const base = Math.max(0, conditions.lagMs / 2 + ((random() * 2 - 1) * conditions.jitterMs) / 2);
    return loss > 0 && random() < loss ? base + RETRANSMIT_MS : base;
  };
  const events = connection.events;
  // Bumped when a socket closes: frames queued for it are dropped instead of sent on the next.
  let socket = 0;
  let open = true;

  const send = connection.send.bind(connection);
  const outgoing = new DelayLine<{ socket: number; data: Uint8Array }>(oneWay, (frame) => {
    if (frame.socket === socket && connection.isOpen) send(frame.data);
  });
  // The SDK reuses its send buffers: copy before holding on to one.
  const hold = (data: Uint8Array): void => outgoing.push({ socket, data: new Uint8Array(data) });
  connection.send = hold;
  connection.sendUnreliable = hold;

  const { onmessage, onclose, onopen } = events;
  type Arrival = { readonly close: boolean; readonly event: unknown };
  const incoming = new DelayLine<Arrival>(oneWay, (a) => (a.close ? onclose?.(a.event) : onmessage?.(a.event)));
  events.onmessage = (event: unknown) => {
    if (open) incoming.push({ close: false, event });
  };
  events.onclose = (event: unknown) => {
    open = false;
    socket += 1;
    incoming.push({ close: true, event });
  };
  events.onopen = (event: unknown) => {
    open = true;
    onopen?.(event);
  };
}
