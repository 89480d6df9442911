/**
 * The contract between the load tester and the connections it drives. Light clients (raw
 * sockets, pre-encoded input frames, no state decoding) and full probe clients (the real SDK
 * session) both implement it, for Tick Arena and for the JSON baseline server alike.
 */

/** Bytes and frames one connection has moved. */
export interface TrafficCounters {
  bytesIn: number;
  bytesOut: number;
  framesIn: number;
  framesOut: number;
}

/** One simulated player connection. */
export interface LoadClient {
  /**
   * Matchmakes and connects. Resolves with the time to seat in ms: from the start of the
   * matchmaking request to the first state the server sends. Rejects on any failure.
   */
  connect(): Promise<number>;
  /** Sends one input frame (the load tester calls this once per simulation tick). */
  sendInput(): void;
  /** Leaves (consented close) and stops all timers. Never rejects. */
  close(): Promise<void>;
  /** Running traffic totals. */
  readonly counters: TrafficCounters;
  /** The WebSocket close code once the connection has closed; null while open or before. */
  readonly closeCode: number | null;
  /**
   * Called with `performance.now()` for every state patch received (not pings or other
   * messages), when set. The load tester sets it on a sample of clients to measure patch
   * inter-arrival times.
   */
  onPatch: ((nowMs: number) => void) | null;
}

/** Creates a client for a server base URL (http://host:port). */
export type LoadClientFactory = (baseUrl: string, index: number) => LoadClient;

/** A client that also reports input-to-acknowledgement latencies (the full SDK probe does). */
export interface AckReportingClient extends LoadClient {
  /** Called with each acknowledged input's latency in ms, when set. */
  onAck: ((latencyMs: number) => void) | null;
}

/** Whether a client reports input-to-ack latencies. */
export function reportsAcks(client: LoadClient): client is AckReportingClient {
  return "onAck" in client;
}
