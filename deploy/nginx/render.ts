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

/**
 * Idle keep-alive connections per nginx worker in the any-process upstream (`keepalive`).
 * The room-socket routes need none: a WebSocket holds its upstream connection for its life.
 */
export const UPSTREAM_KEEPALIVE = 128;

/** Longest a room socket may stay silent: far above the 3 s heartbeat (2 missed pings close it). */
const SOCKET_TIMEOUT = "120s";

export function renderNginxConfig(o: NginxOptions): string {
  const listen = (port: number, extra = ""): string =>
    `listen ${o.listenAddress !== undefined ? `${o.listenAddress}:` : ""}${port}${extra};`;
  const run = o.runDir;
  // Logs: the run folder, or where Debian's and nginx.org's packages keep them.
  const logs = run ?? "/var/log/nginx";
  const global = [
    `error_log ${logs}/error.log warn;`,
    ...(run === undefined ? [] : [`pid ${run}/nginx.pid;`, "daemon off;", "worker_rlimit_nofile 16384;"]),
    "",
  ].join("\n");
  const temp =
    run === undefined
      ? ""
      : [
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
      # The SDK puts the player's token in this URL and nginx's error lines quote the request
      # line: only critical errors here. Failures still show in access.log (status, upstream).
      error_log ${logs}/error.log crit;
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
${temp}  # Access log without query strings: the SDK sends the player's 30-day token in the room
  # socket's URL (?_authToken=…), and a reconnection its token (?reconnectionToken=…). So the
  # path ($uri), never the request line ($request), and the referrer without its query.
  map $http_referer $tick_arena_referer {
    default $http_referer;
    ''      "-";
    "~^([^?]*)\\?" $1;
  }
  log_format tick_arena '$remote_addr - $remote_user [$time_local] '
                        '"$request_method $uri $server_protocol" $status $body_bytes_sent '
                        '"$tick_arena_referer" "$http_user_agent" '
                        'upstream=$upstream_addr upstream_status=$upstream_status '
                        'request_time=$request_time';
  access_log ${logs}/access.log tick_arena;

  # "Connection: upgrade" for WebSockets; none for plain requests, so HTTP/1.1 keeps the
  # upstream connection open for the keep-alive pool (nginx's default would send "close").
  map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      '';
  }

  # Matchmaking, pages, the player API and /events: any live process will do.
  upstream tick_arena_any {
${upstreams}
    # Idle connections kept open to the processes, per nginx worker: matchmaking does not open
    # a TCP connection per request. Closed after 4 s idle, before Node closes them (5 s), so
    # nginx never sends a request on a connection the server is closing.
    keepalive ${UPSTREAM_KEEPALIVE};
    keepalive_timeout 4s;
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
# HTTP/1.1 upstream: WebSocket upgrades, and keep-alive connections for plain requests
# ($connection_upgrade is "upgrade" for a WebSocket, empty, so no Connection header, otherwise).
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
