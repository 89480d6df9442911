/**
 * Key rebinding in Chromium (1280 × 800): in the menu's key settings, "Move right" is rebound
 * to L and "Move left" to J by pressing them; the choice survives a reload (localStorage); in
 * the match the HUD hint names the new keys, L and J move the ship, and D (no longer bound)
 * does not.
 */
import type { Browser, Page } from "playwright-core";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

async function selfX(page: Page): Promise<number> {
  return page.evaluate(() => {
    const hook = window.__tickArena;
    if (hook?.scene !== "game") throw new Error("not in a match");
    const self = hook.ships().find((s) => s.id === hook.selfId);
    if (self === undefined) throw new Error("no own ship");
    return self.x;
  });
}

/** Holds `key` for `ms` and returns how far the ship moved along x (after it settles). */
async function hold(page: Page, key: string, ms: number): Promise<number> {
  const before = await selfX(page);
  await page.keyboard.down(key);
  await page.waitForTimeout(ms);
  await page.keyboard.up(key);
  await page.waitForTimeout(400);
  return (await selfX(page)) - before;
}

describe("key rebinding", () => {
  it("a key rebound in the menu moves the ship, and is remembered", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = collectErrors(page, "keys");
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => window.__tickArena?.scene === "menu");

    await page.getByTestId("keys-toggle").click();
    await expect.poll(() => page.getByTestId("key-settings").isVisible()).toBe(true);
    await page.getByTestId("bind-right").click();
    expect(await page.getByTestId("bind-right").textContent()).toBe("Press a key…");
    await page.keyboard.press("KeyL");
    expect(await page.getByTestId("bind-right").textContent()).toBe("L / →");
    await page.getByTestId("bind-left").click();
    // Enter is the chat's: refused, still waiting.
    await page.keyboard.press("Enter");
    expect(await page.getByTestId("bind-left").textContent()).toBe("Press a key…");
    expect(await page.evaluate(() => window.__tickArena?.scene)).toBe("menu");
    await page.keyboard.press("KeyJ");
    expect(await page.getByTestId("bind-left").textContent()).toBe("J / ←");
    await page.screenshot({ path: path.join(ARTIFACTS, "key-settings.png") });

    // Remembered across a reload.
    await page.reload();
    await page.waitForFunction(() => window.__tickArena?.scene === "menu");
    const bindings = await page.evaluate(() => window.__tickArena?.keyBindings());
    expect(bindings?.["right"]).toEqual(["L", "ArrowRight"]);
    expect(bindings?.["left"]).toEqual(["J", "ArrowLeft"]);

    await page.locator("#nickname").fill("Rebinder");
    await page.locator("#play").click();
    await waitForOwnShip(page, 20_000);
    await page.waitForTimeout(800);
    const hint = await page.evaluate(() => (window.__tickArena?.scene === "game" ? window.__tickArena.hudHint() : ""));
    // Not a familiar cluster (WASD, IJKL...): each key is named with its direction.
    expect(hint).toMatch(/^move: W up, S down, J left, L right \(or arrows\)/);

    // D was "right" and is bound to nothing now.
    expect(Math.abs(await hold(page, "KeyD", 800))).toBeLessThan(1);
    // L moves right, or (against a wall) J moves left.
    const right = await hold(page, "KeyL", 1000);
    if (right < 40) expect(await hold(page, "KeyJ", 1000)).toBeLessThan(-40);
    else expect(right).toBeGreaterThan(40);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
