/**
 * Phones and desktops: the production build in Chromium at 390 × 844 with touch emulation (a
 * phone) and at 1280 × 800 (a desktop). The menu's title fits the phone; in a match no two HUD
 * panels overlap and all are on screen (their boxes read through the test hook: canvas panels
 * and DOM ones); on the phone a real touch drag on the left half (touchStart, touchMoves,
 * touchEnd over CDP) moves your ship, with a second finger on the aim stick at the same time,
 * and the Leave button (two taps) goes back to the menu.
 *
 * Then, with bots playing (kill feed lines coming and going), the layouts QA found
 * overlapping: a phone held sideways (640 × 360, 844 × 390), a small desktop window in a
 * private room (room badge, warm-up clock), a spectator on a phone (360 × 640, "Watching"
 * badge, no thumb sticks); a spectator's click (desktop) and tap (phone) follow the next
 * pilot, and the closed chat log shows only whole lines.
 */
import path from "node:path";
import type { Browser, CDPSession, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HudBox } from "../../client/src/test-hook.ts";
import { BotSwarm } from "../../bots/swarm.ts";
import { ARTIFACTS, collectErrors, launchChromium, npmStart, type StartedServer, waitForOwnShip } from "./browser.ts";

let server: StartedServer;
let browser: Browser;

beforeAll(async () => {
  server = await npmStart(240_000);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

async function openPage(
  viewport: { width: number; height: number },
  touch: boolean,
): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport,
    deviceScaleFactor: 1,
    ...(touch ? { hasTouch: true, isMobile: true } : {}),
  });
  const page = await context.newPage();
  const errors = collectErrors(page, `${viewport.width}x${viewport.height}`);
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => window.__tickArena?.scene === "menu");
  return { page, errors };
}

async function play(page: Page, name: string, touch: boolean): Promise<void> {
  await page.locator("#nickname").fill(name);
  // force: the live room list above re-lays the menu as its clocks tick (with bots playing, every
  // second), so the button is rarely "stable" for Playwright; it is there and enabled.
  if (touch) await page.locator("#play").tap({ force: true });
  else await page.locator("#play").click({ force: true });
  await waitForOwnShip(page, 20_000);
  // The HUD has drawn its first readouts (score, ping) and laid itself out for them.
  await page.waitForTimeout(800);
}

function hudBoxes(page: Page): Promise<Record<string, HudBox>> {
  return page.evaluate(() => {
    const hook = window.__tickArena;
    if (hook?.scene !== "game") throw new Error("not in a match");
    return hook.hudBoxes();
  });
}

/** A text the match's test hook reports (hint, score panel, followed pilot). */
function hudText(page: Page, what: "hudHint" | "hudScore" | "watched"): Promise<string | null> {
  return page.evaluate((key) => {
    const hook = window.__tickArena;
    if (hook?.scene !== "game") throw new Error("not in a match");
    return hook[key]();
  }, what);
}

/** Asserts every box lies in the viewport and no two share any area. */
function expectLaidOut(boxes: Record<string, HudBox>, viewport: { width: number; height: number }): void {
  const entries = Object.entries(boxes);
  for (const [name, b] of entries) {
    expect(b.width, `${name} has a size`).toBeGreaterThan(0);
    expect(b.height, `${name} has a size`).toBeGreaterThan(0);
    expect(b.x, `${name} left edge on screen`).toBeGreaterThanOrEqual(0);
    expect(b.y, `${name} top edge on screen`).toBeGreaterThanOrEqual(0);
    expect(b.x + b.width, `${name} right edge on screen`).toBeLessThanOrEqual(viewport.width);
    expect(b.y + b.height, `${name} bottom edge on screen`).toBeLessThanOrEqual(viewport.height);
  }
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      const [a, p] = entries[i]!;
      const [b, q] = entries[j]!;
      const overlap = p.x < q.x + q.width && q.x < p.x + p.width && p.y < q.y + q.height && q.y < p.y + p.height;
      expect(overlap, `${a} ${JSON.stringify(p)} overlaps ${b} ${JSON.stringify(q)}`).toBe(false);
    }
  }
}

async function selfPosition(page: Page): Promise<{ x: number; y: number }> {
  return page.evaluate(() => {
    const hook = window.__tickArena;
    if (hook?.scene !== "game") throw new Error("not in a match");
    const self = hook.ships().find((s) => s.id === hook.selfId);
    if (self === undefined) throw new Error("no own ship");
    return { x: self.x, y: self.y };
  });
}

interface TouchPoint {
  readonly id: number;
  readonly x: number;
  readonly y: number;
}

function touch(cdp: CDPSession, type: "touchStart" | "touchMove" | "touchEnd", points: TouchPoint[]): Promise<unknown> {
  return cdp.send("Input.dispatchTouchEvent", {
    type,
    touchPoints: points.map((p) => ({ ...p, radiusX: 6, radiusY: 6, force: 1 })),
  });
}

describe("a phone (390 × 844, touch) and a desktop (1280 × 800)", () => {
  it("phone: the menu title fits, the HUD panels do not overlap, and a touch drag moves the ship", async () => {
    const { page, errors } = await openPage(PHONE, true);
    const headings = await page.evaluate(() => {
      const hook = window.__tickArena;
      if (hook?.scene !== "menu") throw new Error("not on the menu");
      return hook.headings();
    });
    for (const [name, b] of Object.entries(headings)) {
      expect(b.x, `${name} left`).toBeGreaterThanOrEqual(0);
      expect(b.y, `${name} top`).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width, `${name} right`).toBeLessThanOrEqual(PHONE.width);
      expect(b.y + b.height, `${name} bottom`).toBeLessThanOrEqual(PHONE.height);
    }
    // The form starts below the tagline and its Play button is on screen.
    const playBox = await page.locator("#play").boundingBox();
    expect(playBox!.y).toBeGreaterThan(headings.tagline.y + headings.tagline.height);
    expect(playBox!.x + playBox!.width).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: path.join(ARTIFACTS, "phone-menu.png") });

    await play(page, "Thumbs", true);
    const boxes = await hudBoxes(page);
    expect(Object.keys(boxes)).toEqual(
      expect.arrayContaining([
        "score",
        "clock",
        "net",
        "hint",
        "moveStick",
        "aimStick",
        "chat",
        "sound",
        "scoresButton",
        "leaveButton",
      ]),
    );
    expectLaidOut(boxes, PHONE);
    expect(
      await page.evaluate(() => (window.__tickArena?.scene === "game" ? window.__tickArena.hudHint() : "")),
    ).toMatch(/drag to move/);
    await page.screenshot({ path: path.join(ARTIFACTS, "phone-match.png") });

    // A real drag: a finger lands on the left half, slides 50 px in small steps and is held,
    // while a second finger holds the aim stick on the right half. Directions are tried in turn
    // until one is free of walls.
    const cdp = await page.context().newCDPSession(page);
    const start = { x: 100, y: 560 };
    const aim = { id: 2, x: 300, y: 560 };
    let moved = 0;
    for (const [dx, dy] of [
      [1, 0],
      [0, 1],
      [-1, 0],
      [0, -1],
    ] as const) {
      const before = await selfPosition(page);
      await touch(cdp, "touchStart", [{ id: 1, ...start }]);
      await touch(cdp, "touchStart", [{ id: 1, ...start }, aim]);
      for (let i = 1; i <= 10; i++) {
        await touch(cdp, "touchMove", [{ id: 1, x: start.x + dx * i * 5, y: start.y + dy * i * 5 }, aim]);
        await page.waitForTimeout(16);
      }
      const held = await page.evaluate(() =>
        window.__tickArena?.scene === "game" ? window.__tickArena.touchSticks() : null,
      );
      expect(held?.move, "the move stick is held").not.toBeNull();
      expect(held?.aim, "the aim stick is held at the same time").not.toBeNull();
      expect(Math.hypot(held!.move!.knobX - held!.move!.baseX, held!.move!.knobY - held!.move!.baseY)).toBeGreaterThan(
        30,
      );
      await page.waitForTimeout(1000);
      const after = await selfPosition(page);
      await touch(cdp, "touchEnd", []);
      moved = Math.hypot(after.x - before.x, after.y - before.y);
      // Moved the way the finger went (not just pushed around).
      if (moved > 40) {
        expect(Math.sign(Math.round(after.x - before.x)) === dx || dx === 0).toBe(true);
        expect(Math.sign(Math.round(after.y - before.y)) === dy || dy === 0).toBe(true);
        break;
      }
    }
    expect(moved, "the ship moved under the dragged thumb").toBeGreaterThan(40);
    const released = await page.evaluate(() =>
      window.__tickArena?.scene === "game" ? window.__tickArena.touchSticks() : null,
    );
    expect(released).toEqual({ move: null, aim: null });
    // With the finger lifted the ship stops.
    await page.waitForTimeout(500);
    const rest = await selfPosition(page);
    await page.waitForTimeout(500);
    const still = await selfPosition(page);
    expect(Math.hypot(still.x - rest.x, still.y - rest.y)).toBeLessThan(1);

    // No Esc on a phone: Leave, tapped twice (the first tap asks), goes back to the menu.
    await page.getByTestId("touch-leave").tap();
    expect(await page.getByTestId("touch-leave").textContent()).toBe("Sure?");
    expect(await page.evaluate(() => window.__tickArena?.scene)).toBe("game");
    await page.getByTestId("touch-leave").tap();
    await page.waitForFunction(() => window.__tickArena?.scene === "menu", undefined, { timeout: 10_000 });
    expect(await page.locator(".touch-button").count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("desktop: the HUD panels do not overlap and the hint names the keys", async () => {
    const { page, errors } = await openPage(DESKTOP, false);
    await play(page, "Desk", false);
    const boxes = await hudBoxes(page);
    expect(Object.keys(boxes)).toEqual(expect.arrayContaining(["score", "clock", "net", "hint", "chat", "sound"]));
    expect(Object.keys(boxes)).not.toContain("moveStick");
    expectLaidOut(boxes, DESKTOP);
    // One row on a desktop: the clock between the score and the ping.
    expect(boxes["clock"]!.y).toBeLessThan(boxes["score"]!.y + boxes["score"]!.height);
    expect(
      await page.evaluate(() => (window.__tickArena?.scene === "game" ? window.__tickArena.hudHint() : "")),
    ).toMatch(/move/);
    await page.screenshot({ path: path.join(ARTIFACTS, "desktop-match.png") });
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);
});

/**
 * Samples the HUD `times` times, 600 ms apart, checking each layout; resolves with every panel
 * name seen.
 */
async function expectLaidOutWhile(page: Page, viewport: { width: number; height: number }, times: number) {
  const seen = new Set<string>();
  for (let i = 0; i < times; i++) {
    const boxes = await hudBoxes(page);
    for (const name of Object.keys(boxes)) seen.add(name);
    expectLaidOut(boxes, viewport);
    await page.waitForTimeout(600);
  }
  return seen;
}

describe("the layouts QA found overlapping, with bots playing", () => {
  let bots: BotSwarm;

  beforeAll(async () => {
    bots = new BotSwarm({ url: server.url, count: 6, seed: 11, staggerMs: 100 });
    await bots.start();
  }, 60_000);

  afterAll(async () => {
    await bots?.stop(2000);
  });

  it("a phone held sideways (640 × 360, 844 × 390): the kill feed clears the hint and the aim stick", async () => {
    for (const viewport of [
      { width: 640, height: 360 },
      { width: 844, height: 390 },
    ]) {
      const { page, errors } = await openPage(viewport, true);
      await play(page, "WWWWWWWWWWWWWWW6", true);
      // Kill-feed lines come and go: look until some showed, and never on another panel.
      const seen = await expectLaidOutWhile(page, viewport, 10);
      expect([...seen]).toEqual(expect.arrayContaining(["hint", "moveStick", "aimStick", "feed0"]));
      await page.screenshot({ path: path.join(ARTIFACTS, `phone-sideways-${viewport.width}.png`) });
      expect(errors).toEqual([]);
      await page.context().close();
    }
  }, 180_000);

  it("a 640 × 360 window, private room: the room badge and the hint stay apart and off your ship", async () => {
    const viewport = { width: 640, height: 360 };
    const { page, errors } = await openPage(viewport, false);
    await page.locator("#nickname").fill("WWWWWWWWWWWWWWW0");
    // The live room list (the bots' room) keeps the menu moving: a DOM click, not a pointer one.
    await page.locator("#create-private").dispatchEvent("click");
    await waitForOwnShip(page, 20_000);
    await page.waitForTimeout(1500);
    const boxes = await hudBoxes(page);
    expect(Object.keys(boxes)).toEqual(expect.arrayContaining(["room", "hint"]));
    expectLaidOut(boxes, viewport);
    // Your ship (its frame, 58 px square) where the camera draws it.
    const ship = await page.evaluate(() => {
      const hook = window.__tickArena;
      if (hook?.scene !== "game") throw new Error("not in a match");
      const self = hook.ships().find((s) => s.id === hook.selfId)!;
      const view = hook.view();
      return { x: self.x - view.x - 29, y: self.y - view.y - 29, width: 58, height: 58 };
    });
    for (const name of ["room", "hint"]) {
      const b = boxes[name]!;
      const over =
        b.x < ship.x + ship.width && ship.x < b.x + b.width && b.y < ship.y + ship.height && ship.y < b.y + b.height;
      expect(over, `${name} ${JSON.stringify(b)} covers your ship ${JSON.stringify(ship)}`).toBe(false);
    }
    await page.screenshot({ path: path.join(ARTIFACTS, "private-640x360.png") });
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("a spectator on a phone (360 × 640): a watching HUD, no thumb sticks, a tap follows the next pilot", async () => {
    const viewport = { width: 360, height: 640 };
    const { page, errors } = await openPage(viewport, true);
    const watch = page.locator("[data-testid=room-list] li button", { hasText: "Watch" }).first();
    await watch.waitFor({ timeout: 15_000 });
    await watch.tap();
    await page.waitForFunction(
      () => window.__tickArena?.scene === "game" && window.__tickArena.role() === "spectator",
      undefined,
      { timeout: 20_000 },
    );
    await page.waitForFunction(() => window.__tickArena?.scene === "game" && window.__tickArena.watched() !== null);
    await page.waitForTimeout(800);
    expect(await hudText(page, "hudScore")).toMatch(/^Watching · Bot \d/);
    const hint = await hudText(page, "hudHint");
    expect(hint).toMatch(/Tap: follow the next pilot/);
    expect(hint).not.toMatch(/drag to move/);
    // The badge names the phone's control too: there is no Space key to press.
    const badge = await page.locator("[data-testid=room-badge]").textContent();
    expect(badge).toMatch(/^Watching · following Bot \d+ · Tap: next pilot$/);
    const seen = await expectLaidOutWhile(page, viewport, 8);
    expect([...seen]).toEqual(expect.arrayContaining(["room", "hint", "leaveButton", "feed0"]));
    expect([...seen]).not.toContain("moveStick");
    expect([...seen]).not.toContain("aimStick");
    await page.screenshot({ path: path.join(ARTIFACTS, "phone-watching.png") });

    // A tap anywhere on the arena: the next pilot, and no stick under the finger.
    const before = await hudText(page, "watched");
    await page.touchscreen.tap(180, 330);
    await expect.poll(() => hudText(page, "watched"), { timeout: 5_000 }).not.toBe(before);
    expect(
      await page.evaluate(() => (window.__tickArena?.scene === "game" ? window.__tickArena.touchSticks() : null)),
    ).toEqual({
      move: null,
      aim: null,
    });
    expect(await hudText(page, "hudScore")).not.toMatch(/Joining/);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("a spectator at a desktop: the mouse button and the fire key follow the next pilot", async () => {
    const { page, errors } = await openPage(DESKTOP, false);
    const watch = page.locator("[data-testid=room-list] li button", { hasText: "Watch" }).first();
    await watch.waitFor({ timeout: 15_000 });
    await watch.click();
    await page.waitForFunction(
      () =>
        window.__tickArena?.scene === "game" &&
        window.__tickArena.role() === "spectator" &&
        window.__tickArena.watched() !== null,
      undefined,
      { timeout: 20_000 },
    );
    expect(await hudText(page, "hudHint")).toMatch(/^click \/ Space: next pilot/);
    expect(await page.locator("[data-testid=room-badge]").textContent()).toMatch(
      /^Watching · following Bot \d+ · click \/ Space: next pilot$/,
    );
    expect(await hudText(page, "hudScore")).toMatch(/^Watching · Bot \d/);
    // Left click on the arena (a fire binding): the next pilot.
    const first = await hudText(page, "watched");
    await page.mouse.click(DESKTOP.width / 2, DESKTOP.height / 2 + 60);
    await expect.poll(() => hudText(page, "watched"), { timeout: 5_000 }).not.toBe(first);
    // Space (the fire key) too.
    const second = await hudText(page, "watched");
    await page.keyboard.press("Space");
    await expect.poll(() => hudText(page, "watched"), { timeout: 5_000 }).not.toBe(second);
    await page.screenshot({ path: path.join(ARTIFACTS, "desktop-watching.png") });
    expectLaidOut(await hudBoxes(page), DESKTOP);

    // The chat log, full of kill lines by now, shows only whole lines.
    const cut = await page.evaluate(() => {
      const log = document.querySelector(".chat-log")!.getBoundingClientRect();
      return [...document.querySelectorAll<HTMLElement>(".chat-line")]
        .filter((line) => getComputedStyle(line).visibility !== "hidden")
        .map((line) => ({ text: line.textContent, top: line.getBoundingClientRect().top }))
        .filter((line) => line.top < log.top - 0.5);
    });
    expect(await page.locator(".chat-line").count()).toBeGreaterThan(3);
    expect(cut).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);
});
