/**
 * While the SDK resumes a dropped seat, is the room still there to resume? The SDK retries the
 * same address for up to a minute; when the process holding the room was killed or restarted,
 * every one of those retries is wasted and the player stares at "reconnecting". The server's
 * `GET /healthz` lists the live processes (in a cluster, every process; alone, itself): once it
 * answers without the room's process (named in the `welcome` message), the seat cannot come
 * back, and the session ends at once so the player quick-plays again. No answer tells nothing
 * (the whole server may be restarting behind the same address): the SDK keeps trying.
 */

/** How often `/healthz` is asked while the connection is down. */
export const PROCESS_CHECK_INTERVAL_MS = 1000;

/**
 * Whether a `/healthz` body lists `processId`: true or false when the body says, null when it
 * does not list processes (an older server, an error page).
 */
export function processListed(body: unknown, processId: string): boolean | null {
  if (typeof body !== "object" || body === null) return null;
  const processes = (body as { processes?: unknown }).processes;
  if (!Array.isArray(processes) || processes.length === 0) return null;
  return processes.some(
    (p) => typeof p === "object" && p !== null && (p as { processId?: unknown }).processId === processId,
  );
}

export interface ProcessWatchOptions {
  readonly healthzUrl: string;
  readonly fetch?: typeof fetch;
  readonly intervalMs?: number;
  readonly setTimer?: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>;
  readonly clearTimer?: (timer: ReturnType<typeof setTimeout>) => void;
}

/** Asks `/healthz` until stopped or until it answers without the process (then `onGone`, once). */
export class ProcessWatch {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private readonly fetchFn: typeof fetch;
  private readonly intervalMs: number;
  private readonly setTimer: NonNullable<ProcessWatchOptions["setTimer"]>;
  private readonly clearTimer: NonNullable<ProcessWatchOptions["clearTimer"]>;

  constructor(private readonly options: ProcessWatchOptions) {
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.intervalMs = options.intervalMs ?? PROCESS_CHECK_INTERVAL_MS;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((t) => clearTimeout(t));
  }

  /** Starts watching `processId` (a watch already running is restarted). */
  start(processId: string, onGone: () => void): void {
    this.stop();
    this.running = true;
    const check = async (): Promise<void> => {
      this.timer = null;
      let listed: boolean | null;
      try {
        const res = await this.fetchFn(this.options.healthzUrl, {
          cache: "no-store",
          signal: AbortSignal.timeout(Math.max(500, this.intervalMs)),
        });
        listed = processListed(await res.json(), processId);
      } catch {
        listed = null;
      }
      if (!this.running) return;
      if (listed === false) {
        this.running = false;
        onGone();
        return;
      }
      this.timer = this.setTimer(() => void check(), this.intervalMs);
    };
    void check();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }
}
