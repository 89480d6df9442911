/**
 * Phones and desktops: the production build in Chromium at 390 × 844 with touch emulation (a
 * phone) and at 1280 × 800 (a desktop). The menu's title fits the phone; in a match no two HUD
 * panels overlap and all are on screen (their boxes read through the test hook: canvas panels
 * and DOM ones); on the phone a real touch drag on the left half (touchStart, touchMoves,
 * touchEnd over CDP) moves your ship, with a second finger on the aim stick at the same time,
 * and the Leave button (two taps) goes back to the menu.
 */
import path from "node:path";
import type { Browser, CDPSession, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HudBox } from "../../client/src/test-hook.ts";
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
  if (touch) await page.locator("#play").tap();
  else await page.locator("#play").click();
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
