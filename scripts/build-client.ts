/**
 * Builds the client when the build is missing or older than its sources (`npm start` and
 * `npm run start:cluster` serve the build).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { build } from "vite";

/** Newest modification time under a file or folder. */
function newest(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = st.mtimeMs;
  for (const entry of readdirSync(p)) t = Math.max(t, newest(path.join(p, entry)));
  return t;
}

/** Builds `dist/client` under `root` unless it is newer than every source. */
export async function ensureClientBuilt(root: string): Promise<void> {
  const builtIndex = path.join(root, "dist", "client", "index.html");
  const sources = ["client", "shared", "vite.config.ts", "package-lock.json"].map((p) => path.join(root, p));
  const stale =
    !existsSync(builtIndex) || sources.some((s) => existsSync(s) && newest(s) > statSync(builtIndex).mtimeMs);
  if (!stale) return;
  console.log("Building the client…");
  await build({ configFile: path.join(root, "vite.config.ts"), mode: "production", logLevel: "warn" });
}
