/**
 * The bot runner: `npm run bots -- --url http://127.0.0.1:2567 --count 8 --duration 60`.
 * Bad arguments exit 2; a run exits 0, or 1 if no bot ever joined. Ctrl-C leaves early and
 * still prints the summary; a second Ctrl-C quits at once.
 */
import { parseBotArgs, USAGE, UsageError, type ParsedArgs } from "./args.ts";
import { runBots } from "./runner.ts";

let parsed: ParsedArgs;
try {
  parsed = parseBotArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`bots: ${error.message}\n\n${USAGE}\n`);
  process.exit(2);
}

if (parsed.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const interrupt = new AbortController();
const onSignal = (): void => {
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

const code = await runBots(parsed.options, { out: process.stdout, signal: interrupt.signal });
// Sockets the SDK still holds (a leave that timed out) must not keep the process alive.
process.exit(code);
