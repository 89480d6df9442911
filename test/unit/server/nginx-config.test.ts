/** The nginx configuration renderer and the reference config kept in deploy/nginx/. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EXAMPLE } from "../../../deploy/nginx/example.ts";
import { renderNginxConfig, renderProxyInclude } from "../../../deploy/nginx/render.ts";

describe("nginx config", () => {
  it("deploy/nginx/*.conf are exactly what the renderer makes (run deploy/nginx/example.ts)", () => {
    expect(readFileSync("deploy/nginx/tick-arena.conf", "utf8")).toBe(renderNginxConfig(EXAMPLE));
    expect(readFileSync("deploy/nginx/tick-arena-proxy.conf", "utf8")).toBe(renderProxyInclude());
  });

  it("routes each process's path to that process only, cutting the prefix", () => {
    const conf = renderNginxConfig({ ...EXAMPLE, httpsPort: 8443, httpPort: 8080 });
    expect(conf).toContain("location /node-1/ {\n      proxy_pass http://127.0.0.1:3201/;");
    expect(conf).toContain("location /node-2/ {\n      proxy_pass http://127.0.0.1:3202/;");
    expect(conf).toContain("return 301 https://$host:8443$request_uri;");
    expect(conf).toContain("listen 8443 ssl;");
  });

  it("upgrades WebSockets, overwrites the client address and outlasts the heartbeat", () => {
    const include = renderProxyInclude();
    expect(include).toContain("proxy_set_header Upgrade $http_upgrade;");
    expect(include).toContain("proxy_set_header Connection $connection_upgrade;");
    expect(include).toContain("proxy_set_header X-Real-IP $remote_addr;");
    const timeout = Number(/proxy_read_timeout (\d+)s;/.exec(include)?.[1]);
    // The server pings every 3 s and drops a socket after 2 missed pings.
    expect(timeout).toBeGreaterThan(6);
  });

  it("runs unprivileged from a folder of its own when given one", () => {
    const conf = renderNginxConfig({ ...EXAMPLE, runDir: "/tmp/x", listenAddress: "127.0.0.1" });
    expect(conf).toContain("pid /tmp/x/nginx.pid;");
    expect(conf).toContain("proxy_temp_path /tmp/x/temp/proxy;");
    expect(conf).toContain("listen 127.0.0.1:443 ssl;");
  });
});
