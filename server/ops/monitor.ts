/**
 * `@colyseus/monitor` (the operators' room inspector at `/monitor/`) behind HTTP basic auth, and
 * only when an operator asked for it with `MONITOR_PASSWORD`.
 *
 * Three things the stock mount gets wrong for a public server (colyseus-seams.md §0.13, §9):
 * - it has no authentication of its own: here every endpoint requires the credentials;
 * - its `/monitor/api/room/call` calls *any* method of any room with any arguments: here only
 *   the two its page uses for people (disconnect a client, send it a message); editing the
 *   state is refused too, since arenas project their state from the simulation each patch;
 * - importing it patches `Room.prototype`: here it is imported only when enabled.
 */
import { basicAuth, createEndpoint, matchMaker, type Endpoint } from "@colyseus/core";
import { z } from "zod";
import { jsonLogSink } from "../log/logger.ts";

/** Room methods the monitor may call (`/monitor/api/room/call?method=`). */
export const MONITOR_ROOM_METHODS: ReadonlySet<string> = new Set(["_forceClientDisconnect", "_sendMessageToClient"]);

/** Passwords nobody should run a production monitor with. */
const KNOWN_DEFAULTS = new Set(["admin", "password", "colyseus", "monitor", "changeme", "secret", "123456", "letmein"]);
/** Shortest monitor password accepted in production. */
export const MIN_MONITOR_PASSWORD = 12;

/** Why `password` is not fit for a production monitor, or null when it is. */
export function weakMonitorPassword(user: string, password: string): string | null {
  if (KNOWN_DEFAULTS.has(password.toLowerCase()) || password === user) return "it is a default password";
  if (password.length < MIN_MONITOR_PASSWORD) return `it is shorter than ${MIN_MONITOR_PASSWORD} characters`;
  return null;
}

export interface MonitorOptions {
  readonly user: string;
  readonly password: string;
  /** NODE_ENV=production: a weak password refuses to start instead of warning. */
  readonly production: boolean;
  readonly log?: (line: string) => void;
}

/**
 * Runs `then` once `matchMaker.processId` exists: at once if it does, else when the matchmaker
 * is set up (`matchMaker.onReady`, resolved by `setup`; undefined after a shutdown, when the id
 * already exists).
 */
function whenProcessIdKnown(then: () => void): void {
  const ready = matchMaker.onReady as { then(onReady: () => void): unknown } | undefined;
  if ((matchMaker.processId as string | undefined) !== undefined || ready === undefined) then();
  else ready.then(then);
}

/** The monitor's endpoints, for `createRouter`; throws on a weak password in production. */
export async function monitorRoutes(options: MonitorOptions): Promise<Record<string, Endpoint>> {
  const weak = weakMonitorPassword(options.user, options.password);
  if (weak !== null) {
    const message = `MONITOR_PASSWORD is not safe: ${weak}`;
    if (options.production) throw new Error(`refusing to start the monitor: ${message}`);
    const warn = (): void =>
      (options.log ?? jsonLogSink.error)(JSON.stringify({ event: "monitor-weak-password", message }));
    // The routes are made before the matchmaker is set up, and every record of the log carries
    // the process id (logger.ts), which exists only from then on: warn once it does.
    whenProcessIdKnown(warn);
  }
  const { monitor } = await import("@colyseus/monitor");
  const auth = basicAuth({ users: { [options.user]: options.password }, realm: "Tick Arena monitor" });
  const endpoints: Record<string, Endpoint> = { ...(monitor({ use: [auth] }) as unknown as Record<string, Endpoint>) };
  endpoints["monitor-api-room-call"] = createEndpoint(
    "/monitor/api/room/call",
    {
      method: "GET",
      query: z.object({ roomId: z.string().max(64), method: z.string().max(64), args: z.string().max(4096) }),
      use: [auth],
    },
    async (ctx) => {
      const { roomId, method } = ctx.query;
      if (!MONITOR_ROOM_METHODS.has(method)) {
        return Response.json({ message: `the monitor may not call "${method}" here` }, { status: 403 });
      }
      let args: unknown;
      try {
        args = JSON.parse(ctx.query.args);
      } catch {
        return Response.json({ message: "args must be JSON" }, { status: 400 });
      }
      try {
        return (await matchMaker.remoteRoomCall(roomId, method, Array.isArray(args) ? args : [args])) ?? {};
      } catch {
        return Response.json({ message: `room ${roomId} is not available anymore` }, { status: 404 });
      }
    },
  );
  return endpoints;
}
