/**
 * One run of the bot runner: start a swarm, show progress until the duration is up or the
 * signal aborts, leave cleanly, print the summary. Returns the process exit code: 0, or 1 if
 * no bot ever got a seat.
 */
import { hasNetworkEffects } from "../client/src/net/network-sim.ts";
import { setTimeout as sleep } from "node:timers/promises";
import type { BotRunOptions } from "./args.ts";
import { formatProgress, formatSummary } from "./report.ts";
import { BotSwarm } from "./swarm.ts";

/** Where a run writes, and what stops it early. */
export interface RunIo {
  readonly out: NodeJS.WriteStream | NodeJS.WritableStream;
  /** Aborting ends the run early (Ctrl-C), still leaving cleanly. */
  readonly signal: AbortSignal;
}

/** Progress refresh on a terminal (one line, rewritten), and elsewhere (a line each). */
const TTY_PROGRESS_MS = 1000;
const LOG_PROGRESS_MS = 5000;
/** Longest wait for the bots to leave, on top of the simulated lag. */
const LEAVE_TIMEOUT_MS = 3000;

/** Runs the bots; resolves with the exit code. */
export async function runBots(options: BotRunOptions, io: RunIo): Promise<number> {
  const printer = new Printer(io.out);
  const restoreConsole = routeConsole(printer, options.verbose);
  try {
    const conditions = { lagMs: options.lagMs, jitterMs: options.jitterMs, lossPercent: options.lossPercent };
    const network = hasNetworkEffects(conditions) ? conditions : null;
    const described =
      network !== null ? `, lag ${network.lagMs} ms, jitter ${network.jitterMs} ms, loss ${network.lossPercent} %` : "";
    printer.line(
      `Tick Arena bots: ${options.count} → ${options.url} (room ${options.room}) for ${options.durationS} s, ` +
        `seed ${options.seed}${described}`,
    );
    const swarm = new BotSwarm({
      url: options.url,
      count: options.count,
      seed: options.seed,
      namePrefix: options.namePrefix,
      staggerMs: options.staggerMs,
      ...(network !== null ? { network } : {}),
      ...(options.verbose ? { log: (m: string) => printer.line(m) } : {}),
    });
    const started = performance.now();
    const elapsedS = (): number => (performance.now() - started) / 1000;
    const deadline = started + options.durationS * 1000;
    void swarm.start();

    const every = printer.isTty ? TTY_PROGRESS_MS : LOG_PROGRESS_MS;
    // A timer may fire a hair early: stop within a few ms of the deadline rather than print twice.
    for (let now = performance.now(); deadline - now > 20 && !io.signal.aborted; now = performance.now()) {
      await sleep(Math.min(every, deadline - now), undefined, { signal: io.signal }).catch(() => undefined);
      printer.status(formatProgress(swarm.progress(), elapsedS(), options.durationS));
    }
    if (io.signal.aborted) printer.line("Interrupted: leaving.");

    await swarm.stop(LEAVE_TIMEOUT_MS + options.lagMs + options.jitterMs);
    const final = swarm.progress();
    printer.endStatus();
    printer.line(formatSummary(swarm.bots, final, elapsedS()));
    if (final.everConnected === 0) {
      const reason = swarm.bots.find((b) => b.stats.lastError !== null)?.stats.lastError ?? "no join succeeded";
      printer.line(`No bot could join: ${reason}`);
      return 1;
    }
    return 0;
  } finally {
    restoreConsole();
  }
}

/** Writes lines, and on a terminal keeps one status line at the bottom that is rewritten in place. */
class Printer {
  readonly isTty: boolean;
  private statusText: string | null = null;

  constructor(private readonly out: NodeJS.WriteStream | NodeJS.WritableStream) {
    this.isTty = "isTTY" in out && out.isTTY === true;
  }

  /** A line of its own (above the status line on a terminal). */
  line(text: string): void {
    if (this.isTty && this.statusText !== null) {
      this.out.write(`\r\x1b[K${text}\n${this.statusText}`);
    } else {
      this.out.write(`${text}\n`);
    }
  }

  /** The progress line: rewritten on a terminal, appended elsewhere. */
  status(text: string): void {
    if (this.isTty) {
      this.statusText = text;
      this.out.write(`\r\x1b[K${text}`);
    } else {
      this.out.write(`${text}\n`);
    }
  }

  /** Ends the rewritten line so what follows starts on a fresh one. */
  endStatus(): void {
    if (this.isTty && this.statusText !== null) this.out.write("\n");
    this.statusText = null;
  }
}

/**
 * The SDK reports drops and reconnection attempts on the console; with hundreds of bots that
 * would bury the progress line. Show them only when verbose (through the printer); returns
 * the function that restores the console.
 */
function routeConsole(printer: Printer, verbose: boolean): () => void {
  const { info, warn, log } = console;
  const sink = verbose ? (...args: unknown[]) => printer.line(args.map(String).join(" ")) : () => undefined;
  console.info = sink;
  console.warn = sink;
  console.log = sink;
  return () => {
    console.info = info;
    console.warn = warn;
    console.log = log;
  };
}
