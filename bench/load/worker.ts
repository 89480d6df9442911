/**
 * A load child process of `npm run bench`: runs one {@link LoadRun} (light clients, or full
 * probes) against one server, on the command of the parent over IPC (worker-protocol.ts). The
 * parent starts two per measured step, both pinned to the load core: role `load` drives the
 * light clients, role `probe` the few full clients whose patch timing decides the step. Each
 * reports its own event-loop lag with every phase, so the parent can tell a stalled load process
 * from a late server. Everything it prints goes to stderr (the parent's stdout may carry JSON).
 */
import { DEFAULT_TICK_RATE } from "../../shared/constants.ts";
import { BaselineLightClient } from "../light/baseline-light-client.ts";
import { createColyseusLightClientFactory } from "../light/colyseus-light-client.ts";
import { tokenFor } from "../light/guest-tokens.ts";
import { WsReferenceLightClient } from "../light/ws-reference-light-client.ts";
import { LoadRun } from "./loadtest.ts";
import { ProbeClient } from "./probe-client.ts";
import type { LoadClientFactory } from "./types.ts";
import type { ServerKind, WorkerCommand, WorkerReply, WorkerRole } from "./worker-protocol.ts";

/**
 * The clients a worker starts for a server and role. Light clients (and the baseline's and the
 * reference's probes) run on the bare-TCP RawWebSocket, so one process can drive thousands.
 */
function factoryFor(server: ServerKind, role: WorkerRole, tokens: readonly string[]): LoadClientFactory {
  switch (server) {
    case "tick-arena":
      return role === "probe"
        ? (url, i) => new ProbeClient(url, `Probe ${i}`, tokenFor(tokens, i))
        : createColyseusLightClientFactory({ tokens, rawSocket: true });
    case "json-baseline":
      // The baseline's probe parses every state, as a browser of that design would.
      return role === "probe"
        ? (url, i) => new BaselineLightClient(url, i, { name: `probe-${i}`, decodeStates: true, rawSocket: true })
        : (url, i) => new BaselineLightClient(url, i, { rawSocket: true });
    case "ws-reference":
      // Nothing to decode: the reference's probe is its light client, timed in its own process.
      return (url, i) => new WsReferenceLightClient(url, i, { rawSocket: true });
  }
}

function reply(message: WorkerReply): void {
  process.send?.(message);
}

if (process.send === undefined) {
  console.error("bench/load/worker.ts is started by bench/run.ts over IPC; it does nothing on its own");
  process.exit(2);
}

let run: LoadRun | null = null;
let label = "worker";

async function handle(command: WorkerCommand): Promise<WorkerReply> {
  switch (command.type) {
    case "init": {
      label = `${command.server}/${command.role}`;
      run = new LoadRun({
        url: command.url,
        light: factoryFor(command.server, command.role, command.tokens),
        probe: null,
        probes: 0,
        inputRate: command.inputRate || DEFAULT_TICK_RATE,
        patchSampleEvery: command.patchSampleEvery,
        sampleServer: null,
        log: command.verbose ? (line) => console.error(`  [${label}] ${line}`) : () => undefined,
      });
      run.start();
      return { type: "ready" };
    }
    case "ramp":
      if (run === null) throw new Error("not initialised");
      return { type: "ramped", phase: await run.rampTo(command.target, command.rate) };
    case "hold": {
      if (run === null) throw new Error("not initialised");
      const from = run.timeline.length;
      const phase = await run.hold(command.seconds);
      return { type: "held", phase, timeline: run.timeline.slice(from) };
    }
    case "stop":
      if (run !== null) await run.stop();
      return { type: "stopped" };
  }
}

// One command at a time: the parent waits for each reply before it sends the next.
process.on("message", (message: WorkerCommand) => {
  handle(message).then(
    (answer) => {
      reply(answer);
      if (answer.type === "stopped") process.disconnect();
    },
    (error: unknown) => reply({ type: "error", message: error instanceof Error ? error.message : String(error) }),
  );
});
// The parent went away: nothing left to measure for.
process.on("disconnect", () => process.exit(0));
