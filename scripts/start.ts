/**
 * `npm start`: builds the client when the build is missing or older than its sources, then
 * runs the production server (the game and the built client on one port).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

// A production server and a production build, whatever the caller's NODE_ENV (a test runner
// sets "test", which would make Vite build the client in development mode).
process.env.NODE_ENV = "production";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const builtIndex = path.join(root, "dist", "client", "index.html");
const sources = ["client", "shared", "vite.config.ts", "package-lock.json"].map((p) => path.join(root, p));

/** Newest modification time under a file or folder. */
function newest(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = st.mtimeMs;
  for (const entry of readdirSync(p)) t = Math.max(t, newest(path.join(p, entry)));
  return t;
}

const stale = !existsSync(builtIndex) || sources.some((s) => existsSync(s) && newest(s) > statSync(builtIndex).mtimeMs);
if (stale) {
  console.log("Building the client…");
  await build({ configFile: path.join(root, "vite.config.ts"), mode: "production", logLevel: "warn" });
}
await import("../server/main.ts");
