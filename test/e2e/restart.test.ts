/**
 * After a server restart the page rejoins by itself: the match ends (4001), the menu counts down
 * to the next attempt with backoff, and once the server is back on the same address the page is
 * in a match again without anyone pressing Play.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, joinInBrowser, launchChromium, npmStart, type StartedServer } from "./browser.ts";

let browser: Browser;
let server: StartedServer | null = null;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const sceneOf = (page: Page): Promise<string | undefined> => page.evaluate(() => window.__tickArena?.scene);
const statusOf = (page: Page): Promise<string> => page.locator("#menu-status").innerText();

describe("a server restart", () => {
  it("brings the page back into a match by itself, with a visible countdown", async () => {
    const port = await freePort();
    server = await npmStart(200_000, port);
    const { page } = await joinInBrowser(browser, server.url, "Phoenix");

    await server.stop();
    server = null;
    await page.waitForFunction(() => window.__tickArena?.scene === "menu", undefined, { timeout: 20_000 });
    await page.waitForFunction(
      () => document.querySelector("#menu-status")?.textContent?.includes("Rejoining in") === true,
      undefined,
      { timeout: 10_000 },
    );
    const countdown = await statusOf(page);

    server = await npmStart(200_000, port);
    await page.waitForFunction(() => window.__tickArena?.scene === "game", undefined, { timeout: 40_000 });
    console.log(`restart: the menu said "${countdown}", then the page was back in a match`);
    expect(countdown).toMatch(/Rejoining in \d+ s \(attempt \d+\)/);
    expect(await sceneOf(page)).toBe("game");
  }, 300_000);
});
