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

  it("keeps an upstream keep-alive pool for plain requests and still upgrades WebSockets", () => {
    const conf = renderNginxConfig(EXAMPLE);
    const any = /upstream tick_arena_any \{([^}]*)\}/.exec(conf)?.[1] ?? "";
    expect(any).toMatch(/^\s*keepalive \d+;$/m);
    // Closed by nginx before Node's 5 s keepAliveTimeout closes them from the other side.
    expect(Number(/keepalive_timeout (\d+)s;/.exec(any)?.[1])).toBeLessThan(5);
    // No Connection header (not "close") without an upgrade; "upgrade" with one.
    const map = /map \$http_upgrade \$connection_upgrade \{([^}]*)\}/.exec(conf)?.[1] ?? "";
    expect(map).toMatch(/default upgrade;/);
    expect(map).toMatch(/''\s+'';/);
    expect(renderProxyInclude()).toContain("proxy_http_version 1.1;");
  });

  it("logs paths, never query strings (the SDK sends the player's token in the socket URL)", () => {
    for (const rendered of [renderNginxConfig(EXAMPLE), renderNginxConfig({ ...EXAMPLE, runDir: "/tmp/x" })]) {
      const conf = rendered.replace(/^\s*#.*$/gm, "");
      const format = /log_format tick_arena ([^;]*);/.exec(conf)?.[1] ?? "";
      expect(format).toContain('"$request_method $uri $server_protocol"');
      // Neither the request line nor anything with the query string; the referrer cut.
      expect(format).not.toMatch(/\$(request|request_uri|args|query_string|arg_\w+|http_referer)\b/);
      expect(format).toContain("$tick_arena_referer");
      expect(conf).toMatch(/map \$http_referer \$tick_arena_referer \{[^}]*"~\^\(\[\^\?\]\*\)\\\?" \$1;/);
      // Every access_log uses that format (none falls back to "combined", which has $request).
      const accessLogs = [...conf.matchAll(/^\s*access_log\s+([^;]*);/gm)].map((m) => m[1]!);
      expect(accessLogs.length).toBeGreaterThan(0);
      for (const a of accessLogs) expect(a).toMatch(/ tick_arena$/);
      // nginx's error lines quote the request line: the token-carrying routes log only crit.
      for (const p of EXAMPLE.processes) {
        const location = new RegExp(`location /${p.name}/ \\{([^}]*)\\}`).exec(conf)?.[1] ?? "";
        expect(location).toMatch(/error_log \S+ crit;/);
      }
    }
    expect(renderNginxConfig({ ...EXAMPLE, runDir: "/tmp/x" })).toContain("access_log /tmp/x/access.log tick_arena;");
  });

  it("runs unprivileged from a folder of its own when given one", () => {
    const conf = renderNginxConfig({ ...EXAMPLE, runDir: "/tmp/x", listenAddress: "127.0.0.1" });
    expect(conf).toContain("pid /tmp/x/nginx.pid;");
    expect(conf).toContain("proxy_temp_path /tmp/x/temp/proxy;");
    expect(conf).toContain("listen 127.0.0.1:443 ssl;");
  });
});
