/**
 * Server configuration from the environment, validated once at start-up. Every setting has a
 * default, so `npm start` runs with none set.
 */
import { z } from "zod";
import {
  DEFAULT_MATCH_SECONDS,
  DEFAULT_PORT,
  DEFAULT_TICK_RATE,
  MAX_TICK_RATE,
  MIN_TICK_RATE,
  RESULTS_SECONDS,
} from "../shared/constants.ts";
import type { ArenaMap } from "../shared/map.ts";

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_PORT),
  HOST: z.string().min(1).default("0.0.0.0"),
  TICK_RATE: z.coerce.number().int().min(MIN_TICK_RATE).max(MAX_TICK_RATE).default(DEFAULT_TICK_RATE),
  MATCH_SECONDS: z.coerce.number().positive().max(86_400).default(DEFAULT_MATCH_SECONDS),
  RESULTS_SECONDS: z.coerce.number().positive().max(600).default(RESULTS_SECONDS),
  STATIC_DIR: z.string().optional(),
});

/** Everything the game server needs to start. */
export interface ServerConfig {
  port: number;
  host: string;
  tickRate: number;
  matchSeconds: number;
  resultsSeconds: number;
  /** Folder of the built client to serve, or null to serve only the game API. */
  staticDir: string | null;
  /** Fixed world seed for every room (tests); random per room when absent. */
  seed?: number;
  /** Another arena layout, for tests only (clients always draw the standard map). */
  map?: ArenaMap;
  /** Print the Colyseus banner on start. */
  greet?: boolean;
}

/** Reads the configuration from environment variables; throws a readable error on bad values. */
export function configFromEnv(env: NodeJS.ProcessEnv, defaultStaticDir: string | null): ServerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid environment:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    tickRate: e.TICK_RATE,
    matchSeconds: e.MATCH_SECONDS,
    resultsSeconds: e.RESULTS_SECONDS,
    // STATIC_DIR="" serves no client (the dev server does that); unset serves the build.
    staticDir: e.STATIC_DIR === undefined ? defaultStaticDir : e.STATIC_DIR === "" ? null : e.STATIC_DIR,
  };
}
