/**
 * `npm run screenshots [-- --out docs] [--bots 5] [--desktop]`: the README's phone pictures,
 * made the way the desktop ones were (the production build from `npm start`, headless
 * Chromium through playwright-core), with a few bots in the room so the match has something in
 * it. `npm run screenshots -- --out docs --bots 4` re-makes the README's.
 *
 * Writes, into `--out` (default test-results/screenshots):
 * - `phone-menu.png`: the menu at 390 × 844 (touch emulation);
 * - `phone-match.png`: a match at 390 × 844, the left thumb holding the move stick;
 * - with `--desktop`, `desktop-match.png`: the same match at 1280 × 800, keyboard and mouse.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { CDPSession, Page } from "playwright-core";
import { BotSwarm } from "../bots/swarm.ts";
import { launchChromium, npmStart, ROOT } from "../test/e2e/browser.ts";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: path.join("test-results", "screenshots") },
    bots: { type: "string", default: "5" },
    desktop: { type: "boolean", default: false },
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
  await page.waitForTimeout(1500);
  // Both thumbs down and dragged, held for the picture; again if the ship was shot meanwhile.
  const cdp = await page.context().newCDPSession(page);
  for (let attempt = 0; attempt < 5; attempt++) {
    await page.waitForFunction(selfAlive, undefined, { timeout: 20_000 });
    await holdSticks(page, cdp);
    const shot = await page.screenshot();
    const alive = await page.evaluate(selfAlive);
    await liftThumbs(cdp);
    if (alive || attempt === 4) {
      writeFileSync(path.join(out, "phone-match.png"), shot);
      break;
    }
  }

  if (values.desktop) await desktop();
  console.log(`Screenshots in ${path.relative(ROOT, out) || "."}: phone-menu.png, phone-match.png`);
} finally {
  await swarm.stop(3000).catch(() => undefined);
  await browser.close();
  await server.stop();
}

async function desktop(): Promise<void> {
  const desk = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const deskPage = await desk.newPage();
  await deskPage.goto(`${server.url}/`);
  await deskPage.locator("#nickname").fill("Desk");
  await deskPage.locator("#play").click();
  await deskPage.waitForFunction(() => window.__tickArena?.scene === "game", undefined, { timeout: 20_000 });
  await deskPage.mouse.move(900, 300);
  await deskPage.waitForTimeout(2500);
  await deskPage.screenshot({ path: path.join(out, "desktop-match.png") });
}

/** In the page: whether your ship is drawn (not a wreck). */
function selfAlive(): boolean {
  const hook = window.__tickArena;
  return hook?.scene === "game" && hook.ships().some((s) => s.id === hook.selfId && s.visible);
}

async function liftThumbs(cdp: CDPSession): Promise<void> {
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
}

/**
 * Puts the left thumb on the move stick's resting place and drags it up and right, and the
 * right thumb on the aim stick dragged up and left (firing), without lifting either.
 */
async function holdSticks(page: Page, cdp: CDPSession): Promise<void> {
  const boxes = await page.evaluate(() =>
    window.__tickArena?.scene === "game" ? window.__tickArena.hudBoxes() : null,
  );
  const centre = (name: string, fallbackX: number): { x: number; y: number } => {
    const b = boxes?.[name];
    return b === undefined ? { x: fallbackX, y: 600 } : { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  };
  const move = centre("moveStick", 80);
  const aim = centre("aimStick", 310);
  const points = (i: number) => [
    { id: 1, x: move.x + i * 5, y: move.y - i * 5, radiusX: 8, radiusY: 8, force: 1 },
    { id: 2, x: aim.x - i * 4, y: aim.y - i * 6, radiusX: 8, radiusY: 8, force: 1 },
  ];
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: points(0).slice(0, 1) });
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: points(0) });
  for (let i = 1; i <= 6; i++) {
    await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: points(i) });
    await page.waitForTimeout(30);
  }
  await page.waitForTimeout(600);
}
