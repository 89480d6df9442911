/**
 * The reference configuration in this folder: two processes on one machine, a real
 * certificate, nginx as a system service. `npx tsx deploy/nginx/example.ts` rewrites
 * `tick-arena.conf` and `tick-arena-proxy.conf`; a unit test checks they match the renderer.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { renderNginxConfig, renderProxyInclude, type NginxOptions } from "./render.ts";

export const EXAMPLE: NginxOptions = {
  processes: [
    { name: "node-1", upstream: "127.0.0.1:3201" },
    { name: "node-2", upstream: "127.0.0.1:3202" },
  ],
  httpsPort: 443,
  httpPort: 80,
  serverName: "game.example.com",
  certificate: "/etc/letsencrypt/live/game.example.com/fullchain.pem",
  certificateKey: "/etc/letsencrypt/live/game.example.com/privkey.pem",
};

const here = path.dirname(fileURLToPath(import.meta.url));
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(path.join(here, "tick-arena.conf"), renderNginxConfig(EXAMPLE));
  writeFileSync(path.join(here, "tick-arena-proxy.conf"), renderProxyInclude());
  console.log("wrote deploy/nginx/tick-arena.conf and tick-arena-proxy.conf");
}
