/**
 * `npm run screenshots [-- --out docs] [--bots 5]`: the README's phone pictures, re-made the
 * way the desktop ones were (the production build from `npm start`, headless Chromium through
 * playwright-core, a few bots in the room so the match has something in it).
 *
 * Writes, into `--out` (default test-results/screenshots):
 * - `phone-menu.png`: the menu at 390 × 844 (touch emulation);
 * - `phone-match.png`: a match at 390 × 844, the left thumb holding the move stick;
 * - `desktop-match.png`: the same match at 1280 × 800, keyboard and mouse.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Page } from "playwright-core";
import { BotSwarm } from "../bots/swarm.ts";
import { launchChromium, npmStart, ROOT } from "../test/e2e/browser.ts";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: path.join("test-results", "screenshots") },
    bots: { type: "string", default: "5" },
  },
});
const out = path.resolve(ROOT, values.out);
const botCount = Math.max(0, Math.min(15, Number(values.bots) || 0));
mkdirSync(out, { recursive: true });

// The bots run in this process: their SDK warnings are not what this script is about.
console.warn = (): void => undefined;
const server = await npmStart(240_000);
const browser = await launchChromium();
const swarm = new BotSwarm({ url: server.url, count: botCount, seed: 7, namePrefix: "Bot" });
try {
  void swarm.start();

  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    hasTouch: true,
    isMobile: true,
  });
  const page = await phone.newPage();
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => window.__tickArena?.scene === "menu");
  await page.locator("#nickname").fill("Pocket");
  // The room list fills in from the lobby.
  await page.waitForTimeout(2500);
  await page.screenshot({ path: path.join(out, "phone-menu.png") });
  await page.locator("#play").tap();
  await page.waitForFunction(() => window.__tickArena?.scene === "game", undefined, { timeout: 20_000 });
  await page.waitForTimeout(2500);
  // The left thumb down on the move stick and dragged up-right, held for the picture.
  await holdMoveStick(page);
  await page.screenshot({ path: path.join(out, "phone-match.png") });

  const desk = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const deskPage = await desk.newPage();
  await deskPage.goto(`${server.url}/`);
  await deskPage.locator("#nickname").fill("Desk");
  await deskPage.locator("#play").click();
  await deskPage.waitForFunction(() => window.__tickArena?.scene === "game", undefined, { timeout: 20_000 });
  await deskPage.mouse.move(900, 300);
  await deskPage.waitForTimeout(2500);
  await deskPage.screenshot({ path: path.join(out, "desktop-match.png") });
  console.log(`Screenshots in ${path.relative(ROOT, out) || "."}: phone-menu.png, phone-match.png, desktop-match.png`);
} finally {
  await swarm.stop(3000).catch(() => undefined);
  await browser.close();
  await server.stop();
}

/** Presses a finger on the lower left of the screen and drags it up and right, without lifting it. */
async function holdMoveStick(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const at = (x: number, y: number) => [{ x, y, id: 1, radiusX: 8, radiusY: 8, force: 1 }];
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: at(90, 700) });
  for (let i = 1; i <= 6; i++) {
    await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: at(90 + i * 6, 700 - i * 6) });
    await page.waitForTimeout(30);
  }
  await page.waitForTimeout(600);
}
