/**
 * Child-process entry for the lag-compensation duel: the production server (`startGameServer`,
 * configured from the environment exactly as `server/main.ts` does) on the open field of field.ts
 * instead of the arena, with a fixed world seed, because the duel needs a lane with no cover and known
 * spawns. A layout cannot be chosen from the environment (it is a test-only setting of
 * `ServerConfig`), hence this entry. Prints the same "listening" line as `server/main.ts`.
 */
import { startGameServer } from "../../server/app.ts";
import { configFromEnv } from "../../server/config.ts";
import { FIELD } from "./field.ts";

const config = configFromEnv(process.env, null);
const seed = Number(process.env.FIELD_SEED ?? 3);
const running = await startGameServer({ ...config, map: FIELD, seed, greet: false });
console.log(`Tick Arena listening on http://${config.host}:${running.port} (tick ${config.tickRate} Hz)`);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
