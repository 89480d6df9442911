/**
 * The production build served by `npm start`, played by two headless Chromium pages: both join
 * the same match, each page's canvas shows the other player's ship move when that player holds
 * a key, and neither page logs an error. Screenshots land in test-results/e2e/.
 */
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAP_HEIGHT, MAP_WIDTH } from "../../shared/constants.ts";
import type { ShipProbe } from "../../client/src/test-hook.ts";
import { ARTIFACTS, collectErrors, launchChromium, npmStart, type StartedServer } from "./browser.ts";

/**
 * The watching page's viewport: as large as the arena, so its camera shows the whole map. Only
 * the page that watches is this large (the mover's is {@link SMALL}): software-rendered WebGL
 * at 2400 × 1600 costs a core per page, and two of them slowed this test threefold.
 */
const VIEWPORT = { width: MAP_WIDTH, height: MAP_HEIGHT };
/** The other page's viewport. */
const SMALL = { width: 960, height: 540 };
/** How far a ship must be seen to move, in px. */
const MIN_MOVE = 40;
/** Box around a ship, in px, compared before and after it moves. */
const CLIP = 64;

let server: StartedServer;
let browser: Browser;

beforeAll(async () => {
  server = await npmStart(200_000);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

interface Pilot {
  readonly page: Page;
  readonly name: string;
  readonly errors: string[];
  selfId: string;
}

/** Opens the menu and types `name` (the page is loaded before any match page renders). */
async function openMenu(name: string): Promise<Pilot> {
  const context = await browser.newContext({ viewport: SMALL });
  const page = await context.newPage();
  const errors = collectErrors(page, name);
  await page.goto(server.url);
  await page.locator("#nickname").fill(name);
  return { page, name, errors, selfId: "" };
}

/** Presses Play and waits for the match scene. */
async function play(pilot: Pilot): Promise<void> {
  await pilot.page.locator("#play").click();
  await pilot.page.waitForFunction(() => window.__tickArena?.scene === "game", undefined, { timeout: 20_000 });
  pilot.selfId = await pilot.page.evaluate(() =>
    window.__tickArena?.scene === "game" ? window.__tickArena.selfId : "",
  );
}

/** Where `watcher` draws the ship `id`: world position and position on the canvas. */
async function probe(watcher: Pilot, id: string): Promise<{ ship: ShipProbe; sx: number; sy: number } | null> {
  return watcher.page.evaluate((shipId) => {
    const hook = window.__tickArena;
    if (hook?.scene !== "game") return null;
    const ship = hook.ships().find((s) => s.id === shipId);
    if (ship === undefined) return null;
    const view = hook.view();
    return { ship, sx: (ship.x - view.x) * view.zoom, sy: (ship.y - view.y) * view.zoom };
  }, id);
}

async function clipAround(page: Page, sx: number, sy: number): Promise<Buffer> {
  const x = Math.max(0, Math.min(VIEWPORT.width - CLIP, Math.round(sx - CLIP / 2)));
  const y = Math.max(0, Math.min(VIEWPORT.height - CLIP, Math.round(sy - CLIP / 2)));
  return page.screenshot({ clip: { x, y, width: CLIP, height: CLIP } });
}

/**
 * `mover` holds movement keys (trying each direction until one is free of walls) while
 * `watcher`'s canvas is checked: the drawn ship must travel, and the pixels where it stood
 * must change.
 */
async function expectSeenMoving(mover: Pilot, watcher: Pilot): Promise<void> {
  await mover.page.setViewportSize(SMALL);
  await watcher.page.setViewportSize(VIEWPORT);
  await watcher.page.waitForFunction((width) => document.querySelector("canvas")?.width === width, VIEWPORT.width, {
    timeout: 10_000,
  });
  const before = await probe(watcher, mover.selfId);
  expect(before, `${watcher.name} draws ${mover.name}`).not.toBeNull();
  expect(before!.ship.visible).toBe(true);
  const pixelsBefore = await clipAround(watcher.page, before!.sx, before!.sy);

  await mover.page.mouse.move(SMALL.width / 2, SMALL.height / 2);
  let moved = 0;
  for (const key of ["KeyD", "KeyS", "KeyA", "KeyW"]) {
    await mover.page.keyboard.down(key);
    const deadline = Date.now() + 4000;
    while (Date.now() < deadline) {
      await mover.page.waitForTimeout(250);
      const now = await probe(watcher, mover.selfId);
      moved = now === null ? 0 : Math.hypot(now.ship.x - before!.ship.x, now.ship.y - before!.ship.y);
      if (moved > MIN_MOVE) break;
    }
    await mover.page.keyboard.up(key);
    if (moved > MIN_MOVE) break;
  }
  expect(moved, `${watcher.name} sees ${mover.name} move`).toBeGreaterThan(MIN_MOVE);

  const after = await probe(watcher, mover.selfId);
  const pixelsAfter = await clipAround(watcher.page, before!.sx, before!.sy);
  expect(pixelsAfter.equals(pixelsBefore), "the canvas where the ship stood changed").toBe(false);
  // Once the ship has stopped, the mover's own page (which predicts it) and the watcher's
  // (which draws it ~100 ms behind) agree about where it went. Inputs sent while the key was
  // still held keep it moving a little after the key is released, so wait for it to settle.
  let settled = after!;
  for (const deadline = Date.now() + 5000; Date.now() < deadline;) {
    await watcher.page.waitForTimeout(300);
    const next = await probe(watcher, mover.selfId);
    if (next === null) continue;
    const still = Math.hypot(next.ship.x - settled.ship.x, next.ship.y - settled.ship.y) < 0.5;
    settled = next;
    if (still) break;
  }
  const own = await probe(mover, mover.selfId);
  expect(Math.hypot(own!.ship.x - settled.ship.x, own!.ship.y - settled.ship.y)).toBeLessThan(2);
}

describe("two players in Chromium", () => {
  it("join the same match, see each other move, and log no errors", async () => {
    const [alpha, bravo] = await Promise.all([openMenu("Alpha"), openMenu("Bravo")]);
    await play(alpha);
    await play(bravo);
    for (const p of [alpha, bravo]) {
      await p.page.waitForFunction(
        () => window.__tickArena?.scene === "game" && window.__tickArena.ships().length === 2,
        undefined,
        { timeout: 20_000 },
      );
    }
    await alpha.page.screenshot({ path: path.join(ARTIFACTS, "alpha-joined.png") });
    await bravo.page.screenshot({ path: path.join(ARTIFACTS, "bravo-joined.png") });

    await expectSeenMoving(alpha, bravo);
    await expectSeenMoving(bravo, alpha);

    expect([...alpha.errors, ...bravo.errors]).toEqual([]);
    expect(server.log.join("")).not.toMatch(/error/i);
  });
});
