/**
 * The HTTP routes beside matchmaking (docs/PROTOCOL.md, "HTTP routes"):
 * - `POST /auth/guest`: a guest token (guest-tokens.ts); an old token keeps its player id.
 * - `POST /spectate/:roomId`: a seat reservation to watch a public arena without a ship.
 * - `GET /leaderboard`: the top ranked ratings.
 * Each request is rate-limited per address (the matchmaking limiter) and bodies are capped.
 */
import { matchMaker, ServerError } from "@colyseus/core";
import express from "express";
import { z } from "zod";
import { RoomName } from "../../shared/protocol.ts";
import { generatedNickname, nicknameProblem, normalizeNickname } from "../../shared/names.ts";
import { TokenError, type GuestIdentity, type GuestTokens } from "../identity/guest-tokens.ts";
import type { PlayerStore } from "../store/player-store.ts";

/** Answers whether an address may make one more request now, or in how many seconds. */
export type RequestLimiter = (address: string) => { ok: true } | { ok: false; retryAfterSeconds: number };

export interface PlayerApiOptions {
  readonly tokens: GuestTokens;
  readonly store: PlayerStore;
  readonly limit: RequestLimiter;
  /** The client address of a request (the HTTP guard's rule). */
  readonly addressOf: (req: express.Request) => string;
}

const guestBody = z.object({ name: z.string().optional() });
const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Mounts the routes on `app`. */
export function mountPlayerApi(app: express.Application, options: PlayerApiOptions): void {
  const { tokens, store } = options;
  const json = express.json({ limit: 1024, type: () => true, strict: true });
  const limited: express.RequestHandler = (req, res, next) => {
    const verdict = options.limit(options.addressOf(req));
    if (verdict.ok) return next();
    res.setHeader("Retry-After", String(verdict.retryAfterSeconds));
    res.status(429).json({ error: "too many requests; slow down", code: 429 });
  };
  const noStore: express.RequestHandler = (_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    next();
  };

  app.post("/auth/guest", limited, noStore, json, (req, res, next) => {
    const parsed = guestBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      res.status(400).json({ error: `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`, code: 400 });
      return;
    }
    // Empty once normalised (absent, "", only spaces): a generated name, or the old token's.
    const typed = normalizeNickname(parsed.data.name ?? "");
    const problem = typed === "" ? null : nicknameProblem(typed);
    if (problem !== null) {
      res.status(400).json({ error: `name: ${problem}`, code: 400 });
      return;
    }
    const bearer = bearerToken(req.headers.authorization);
    const renew = bearer === null ? Promise.resolve(null) : tokens.renewable(bearer);
    renew
      .then(async (previous) => {
        const name = typed || previous?.name || generatedNickname();
        const issued = await tokens.issue(name, previous?.playerId);
        const record = (await store.ratings([issued.playerId])).get(issued.playerId);
        // Unrated (null) until the player's first ranked match; the store answers the starting
        // rating for a player it never scored.
        const games = record?.games ?? 0;
        res.json({ ...issued, name, rating: games > 0 ? (record?.rating ?? null) : null, games });
      })
      .catch((error: unknown) => {
        if (error instanceof TokenError) {
          res.status(401).json({ error: error.message, code: 401 });
          return;
        }
        next(error);
      });
  });

  app.post("/spectate/:roomId", limited, noStore, (req, res, next) => {
    const roomId = String(req.params["roomId"]);
    spectate(tokens, roomId, bearerToken(req.headers.authorization)).then(
      (reservation) => res.json(reservation),
      (error: unknown) => {
        if (error instanceof TokenError) return void res.status(401).json({ error: error.message, code: 401 });
        if (error instanceof ServerError && error.code >= 400 && error.code < 500) {
          return void res.status(error.code).json({ error: error.message, code: error.code });
        }
        // Colyseus's SeatReservationError (not exported; its name is "Error"): the room is
        // full of spectators or going away.
        if (error instanceof Error && error.constructor.name === "SeatReservationError") {
          return void res.status(409).json({ error: "this room cannot take a spectator now", code: 409 });
        }
        next(error);
      },
    );
  });

  app.get("/leaderboard", limited, noStore, (req, res, next) => {
    const asked = Number(req.query["limit"] ?? 20);
    const limit = Number.isInteger(asked) ? Math.min(100, Math.max(1, asked)) : 20;
    store.leaderboard(limit).then(
      (players) =>
        res.json({
          players: players.map((p, i) => ({
            rank: i + 1,
            playerId: p.playerId,
            name: p.name,
            rating: p.rating,
            games: p.games,
            wins: p.wins,
          })),
        }),
      next,
    );
  });
}

/**
 * Reserves a spectator seat in a public arena (the room admits it: arena-room spectators have no
 * ship and do not count toward the player cap). Consume it with the SDK's
 * `client.consumeSeatReservation(reservation)`.
 */
async function spectate(tokens: GuestTokens, roomId: string, token: string | null): Promise<unknown> {
  const identity: GuestIdentity = await tokens.verify(token);
  if (!ROOM_ID.test(roomId)) throw new ServerError(404, "no such room");
  const listing = await matchMaker.getRoomById(roomId);
  const arena = listing?.name === RoomName.Arena || listing?.name === RoomName.ArenaLarge;
  if (listing === undefined || listing === null || !arena || listing.private === true) {
    throw new ServerError(404, `no public arena "${roomId.slice(0, 64)}" to watch (it may have ended)`);
  }
  return matchMaker.remoteRoomCall(roomId, "admitSpectator", [identity]);
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1] ?? null;
}
