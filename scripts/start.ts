/**
 * `npm start`: builds the client when the build is missing or older than its sources (unless
 * STATIC_DIR names another folder, or none), then runs the production server (the game and
 * the built client on one port).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureClientBuilt } from "./build-client.ts";

// A production server and a production build, whatever the caller's NODE_ENV (a test runner
// sets "test", which would make Vite build the client in development mode).
process.env.NODE_ENV = "production";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// STATIC_DIR set (empty: no client; a folder: that one) means dist/client is not served.
if (process.env["STATIC_DIR"] === undefined) await ensureClientBuilt(root);
await import("../server/main.ts");
