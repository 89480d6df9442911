/**
 * The one place Tick Arena reaches into Colyseus's cluster internals, verified on
 * @colyseus/core 0.18.17 (pinned exactly in package.json) and @colyseus/redis-driver 0.18.3.
 * `test/integration/scale/cluster-seam.test.ts` fails loudly when these internals change.
 *
 * Why: when Redis restarts empty, every process's listings (`roomcaches`) and room counts
 * (`roomcount`) are gone, and Colyseus puts them back only when the process finds its own
 * "swept" receipt (`swept:<processId>`, written by a sibling's health check that removed its
 * listings by mistake; `MatchMaker.restoreIfSwept`, checked every `SWEPT_CHECK_INTERVAL` = 5 s).
 * A Redis restart writes no receipt, so the rooms would play on unlisted forever. We write the
 * receipt ourselves and persist the room count, and Colyseus's own restore does the rest.
 *
 * And: a process is alive exactly while its IPC channel (`p:<processId>`) has a subscriber. Redis
 * drops the subscription the moment a killed process's socket closes, so this tells a SIGKILLed
 * process at once, where any heartbeat would need a timeout.
 */
import { matchMaker, type Presence } from "@colyseus/core";

/** Colyseus's key for "your listings were swept" (`MatchMaker.getProcessSweptKey`). */
export function sweptReceiptKey(processId: string): string {
  return `swept:${processId}`;
}

/** Colyseus's hash of room counts per process (`Stats.getRoomCountKey`). */
export const ROOM_COUNT_KEY = "roomcount";

/** How long the receipt lives if nothing reads it (Colyseus's `SWEPT_RECEIPT_TTL` default). */
const RECEIPT_TTL_SECONDS = 600;

/**
 * After Redis came back: re-publish this process's room count now, and have Colyseus restore
 * its missing listings at its next swept check (within 5 s).
 */
export async function reannounceAfterRedisLoss(presence: Presence): Promise<void> {
  await presence.setex(sweptReceiptKey(matchMaker.processId), "1", RECEIPT_TTL_SECONDS);
  await matchMaker.stats.persist(true);
}

/** Colyseus's per-process IPC channel prefix (`MatchMaker.getProcessChannel`). */
const PROCESS_CHANNEL_PREFIX = "p:";

/** The ids of the processes whose IPC channel has a subscriber right now. */
export async function liveProcessIds(presence: Presence): Promise<Set<string>> {
  const channels = await presence.channels(`${PROCESS_CHANNEL_PREFIX}*`);
  return new Set(channels.map((c) => c.slice(PROCESS_CHANNEL_PREFIX.length)));
}
