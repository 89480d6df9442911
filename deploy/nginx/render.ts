/**
 * Renders the nginx configuration of a Tick Arena cluster: TLS on HTTPS (`wss://` for the game
 * sockets), HTTP redirected to HTTPS, matchmaking and pages balanced across the processes, and
 * each process's room sockets routed to that process by its public-address path (`/node-N/`).
 *
 * `npm run start:cluster` writes it for the processes it starts; `deploy/nginx/tick-arena.conf`
 * is the same rendering for two processes, kept as the reference for deployments (a unit test
 * checks the two never drift apart).
 */

export interface NginxProcess {
  /** Path segment of its public address, e.g. "node-1" (PUBLIC_ADDRESS = host/node-1). */
  readonly name: string;
  /** host:port the process listens on. */
  readonly upstream: string;
}

export interface NginxOptions {
  readonly processes: readonly NginxProcess[];
  readonly httpsPort: number;
  readonly httpPort: number;
  readonly serverName: string;
  readonly certificate: string;
  readonly certificateKey: string;
  /**
   * Folder for the pid file, logs and temporary files (nginx's prefix when run unprivileged).
   * Absent: nginx's own defaults (a system install).
   */
  readonly runDir?: string;
  /** Listen address; "127.0.0.1" for a local cluster, absent for all interfaces. */
  readonly listenAddress?: string;
}

/** Longest a room socket may stay silent: far above the 3 s heartbeat (2 missed pings close it). */
const SOCKET_TIMEOUT = "120s";

export function renderNginxConfig(o: NginxOptions): string {
  const listen = (port: number, extra = ""): string =>
    `listen ${o.listenAddress !== undefined ? `${o.listenAddress}:` : ""}${port}${extra};`;
  const run = o.runDir;
  const global =
    run === undefined
      ? ""
      : [
          `pid ${run}/nginx.pid;`,
          `error_log ${run}/error.log warn;`,
          "daemon off;",
          "worker_rlimit_nofile 16384;",
          "",
        ].join("\n");
  const temp =
    run === undefined
      ? ""
      : [
          `  access_log ${run}/access.log;`,
          `  client_body_temp_path ${run}/temp/body;`,
          `  proxy_temp_path ${run}/temp/proxy;`,
          `  fastcgi_temp_path ${run}/temp/fastcgi;`,
          `  uwsgi_temp_path ${run}/temp/uwsgi;`,
          `  scgi_temp_path ${run}/temp/scgi;`,
          "",
        ].join("\n");
  const upstreams = o.processes.map((p) => `    server ${p.upstream} max_fails=1 fail_timeout=5s;`).join("\n");
  const nodeLocations = o.processes
    .map(
      (p) => `    # Room sockets of ${p.name}: ${p.upstream} reads /<processId>/<roomId> (the prefix is cut).
    location /${p.name}/ {
      proxy_pass http://${p.upstream}/;
      include ${"tick-arena-proxy.conf"};
    }`,
    )
    .join("\n\n");
  return `# Tick Arena behind nginx: rendered by deploy/nginx/render.ts (see docs/DEPLOY.md).
worker_processes auto;
${global}
events {
  worker_connections 8192;
}

http {
${temp}  map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
  }

  # Matchmaking, pages, the player API and /events: any live process will do.
  upstream tick_arena_any {
${upstreams}
  }

  # HTTP: everything moves to HTTPS.
  server {
    ${listen(o.httpPort)}
    server_name ${o.serverName};
    return 301 https://$host${o.httpsPort === 443 ? "" : `:${o.httpsPort}`}$request_uri;
  }

  server {
    ${listen(o.httpsPort, " ssl")}
    server_name ${o.serverName};

    ssl_certificate ${o.certificate};
    ssl_certificate_key ${o.certificateKey};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:tick_arena_tls:10m;

    # Matchmaking bodies are small JSON (the servers cap them too).
    client_max_body_size 16k;

${nodeLocations}

    # Server-Sent Events: one long response, never buffered.
    location = /events {
      proxy_pass http://tick_arena_any;
      proxy_buffering off;
      proxy_cache off;
      include tick-arena-proxy.conf;
    }

    location / {
      proxy_pass http://tick_arena_any;
      # A process that is gone or draining (503) is skipped; a refused connection sent
      # nothing, and a draining process's 503 did nothing, so retrying a POST is safe.
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout 2s;
      include tick-arena-proxy.conf;
    }
  }
}
`;
}

/** Headers and timeouts every proxied location shares (`tick-arena-proxy.conf`). */
export function renderProxyInclude(): string {
  return `# Included by every proxied location of the Tick Arena config (deploy/nginx/render.ts).
proxy_http_version 1.1;
proxy_set_header Host $host;
proxy_set_header Upgrade $http_upgrade;
proxy_set_header Connection $connection_upgrade;
# The client's address, overwritten (never appended): the servers run with TRUST_PROXY=1.
proxy_set_header X-Real-IP $remote_addr;
proxy_set_header X-Forwarded-For $remote_addr;
proxy_set_header X-Forwarded-Proto $scheme;
proxy_read_timeout ${SOCKET_TIMEOUT};
proxy_send_timeout ${SOCKET_TIMEOUT};
`;
}
