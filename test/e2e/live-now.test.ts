/**
 * The "Live now" panel of the menu (Server-Sent Events from GET /events) and the LIVE line in a
 * match, in headless Chromium against `npm start`: an operator's announcement shows in the menu
 * of a page that is open, in the match of a page that plays, and in the menu of a page opened
 * afterwards (the feed replays recent events).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, collectErrors, launchChromium, npmStart, type StartedServer } from "./browser.ts";

const ADMIN = "e2e-admin-token-0123456789";
let server: StartedServer;
let browser: Browser;

beforeAll(async () => {
  server = await npmStart(200_000, undefined, { ADMIN_TOKEN: ADMIN });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function announce(text: string): Promise<void> {
  const res = await fetch(`${server.url}/admin/announce`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify({ text }),
  });
  expect(res.status).toBe(202);
}

describe("live now", () => {
  it("shows an announcement in the menu panel, in a match, and to a page opened later", async () => {
    const menu = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const menuErrors = collectErrors(menu, "menu");
    await menu.goto(server.url);
    await menu.waitForFunction(
      () => document.querySelector("[data-testid=live-now]")?.getAttribute("data-status") === "open",
      undefined,
      {
        timeout: 20_000,
      },
    );

    const player = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const playerErrors = collectErrors(player, "player");
    await player.goto(server.url);
    await player.locator("#nickname").fill("Listener");
    await player.locator("#play").click();
    await player.waitForFunction(() => window.__tickArena?.scene === "game", undefined, { timeout: 20_000 });

    await announce("Double points tonight <b>only</b>");
    const shown = (text: string) =>
      (document.querySelector("[data-testid=live-now]")?.textContent ?? "").includes(text);
    await menu.waitForFunction(shown, "Double points tonight <b>only</b>", { timeout: 10_000 });
    await player.waitForFunction(
      (text) => window.__tickArena?.liveEvents().some((e) => e.text === text) === true,
      "Double points tonight <b>only</b>",
      { timeout: 10_000 },
    );
    // Text, never markup.
    expect(await menu.locator("[data-testid=live-now] b").count()).toBe(0);
    await menu.screenshot({ path: `${ARTIFACTS}/live-now-menu.png` });

    const later = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await later.goto(server.url);
    await later.waitForFunction(shown, "Double points tonight <b>only</b>", { timeout: 10_000 });
    await later.screenshot({ path: `${ARTIFACTS}/live-now-phone.png` });

    expect([...menuErrors, ...playerErrors]).toEqual([]);
  });
});
