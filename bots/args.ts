/**
 * Command-line arguments of the bot runner, parsed and validated in one place. Pure: takes the
 * argument list, returns the settings or a usage error with a readable message.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { MAX_PLAYERS, NICKNAME_MAX_LENGTH } from "../shared/constants.ts";
import { nicknameSchema, RoomName } from "../shared/protocol.ts";

/** Most bots one runner starts (a few dozen rooms' worth). */
export const MAX_BOTS = 50 * MAX_PLAYERS;
/** Longest run, seconds (a day). */
export const MAX_DURATION_S = 86_400;

/** How to call the runner. */
export const USAGE = `usage: npm run bots -- --url <http://host:port> [options]

  --url <url>         game server (http, https, ws or wss)            required
  --count <n>         bots to run, 1-${MAX_BOTS}                             default 8
  --duration <s>      seconds to play before leaving, up to ${MAX_DURATION_S}    default 60
  --room <name>       room to join; bots quick-play "arena" only       default arena
  --lag <ms>          simulated extra round trip per bot, 0-10000       default 0
  --jitter <ms>       spread of that round trip, 0-10000                default 0
  --loss <percent>    frames lost (then retransmitted) each way, 0-100  default 0
  --seed <n>          seed of the bots' decisions (integer)             default random
  --name <prefix>     bots are named "<prefix> 1", "<prefix> 2", ...    default Bot
  --stagger <ms>      delay between two bots' joins, 0-10000            default 50
  --verbose           print every join failure, drop and SDK message
  --help              this text`;

/** Settings of one run. */
export interface BotRunOptions {
  readonly url: string;
  readonly count: number;
  readonly durationS: number;
  readonly room: typeof RoomName.Arena;
  readonly lagMs: number;
  readonly jitterMs: number;
  readonly lossPercent: number;
  readonly seed: number;
  readonly namePrefix: string;
  readonly staggerMs: number;
  readonly verbose: boolean;
}

/** What the arguments asked for. */
export type ParsedArgs = { readonly help: true } | { readonly help: false; readonly options: BotRunOptions };

/** Bad arguments; the message says which and why. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

const integer = (label: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${label} must be a number` })
    .int(`${label} must be a whole number`)
    .min(min, `${label} must be at least ${min}`)
    .max(max, `${label} must be at most ${max}`);

const optionsSchema = z.object({
  url: z
    .string({ error: "--url is required" })
    .refine((u) => URL.canParse(u) && /^(https?|wss?):$/.test(new URL(u).protocol), {
      error: "--url must be an http, https, ws or wss URL, e.g. http://127.0.0.1:2567",
    }),
  count: integer("--count", 1, MAX_BOTS).default(8),
  duration: z.coerce
    .number({ error: "--duration must be a number" })
    .positive("--duration must be above 0")
    .max(MAX_DURATION_S, `--duration must be at most ${MAX_DURATION_S}`)
    .default(60),
  room: z
    .enum([RoomName.Arena], { error: `--room must be "${RoomName.Arena}" (the only room bots join)` })
    .default("arena"),
  lag: integer("--lag", 0, 10_000).default(0),
  jitter: integer("--jitter", 0, 10_000).default(0),
  loss: z.coerce
    .number({ error: "--loss must be a number" })
    .min(0, "--loss must be 0-100")
    .max(100, "--loss must be 0-100")
    .default(0),
  seed: integer("--seed", 0, 2 ** 32 - 1).optional(),
  name: z.string().default("Bot"),
  stagger: integer("--stagger", 0, 10_000).default(50),
  verbose: z.boolean().default(false),
});

/** Parses the runner's arguments (without `node script`); throws {@link UsageError}. */
export function parseBotArgs(argv: readonly string[], randomSeed: () => number = () => Date.now() >>> 0): ParsedArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: "string" },
        count: { type: "string" },
        duration: { type: "string" },
        room: { type: "string" },
        lag: { type: "string" },
        jitter: { type: "string" },
        loss: { type: "string" },
        seed: { type: "string" },
        name: { type: "string" },
        stagger: { type: "string" },
        verbose: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return { help: true };

  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join("; "));
  const o = parsed.data;
  // Every bot's name must pass the server's nickname rule, the longest one included.
  const longest = `${o.name} ${o.count}`;
  const name = nicknameSchema.safeParse(longest);
  if (!name.success || name.data !== longest) {
    throw new UsageError(
      `--name "${o.name}" does not make valid nicknames ("${longest}"): at most ` +
        `${NICKNAME_MAX_LENGTH} characters of letters, digits, emoji, single spaces and ' - _ .`,
    );
  }
  return {
    help: false,
    options: {
      url: o.url,
      count: o.count,
      durationS: o.duration,
      room: o.room,
      lagMs: o.lag,
      jitterMs: o.jitter,
      lossPercent: o.loss,
      seed: o.seed ?? randomSeed(),
      namePrefix: o.name,
      staggerMs: o.stagger,
      verbose: o.verbose,
    },
  };
}
