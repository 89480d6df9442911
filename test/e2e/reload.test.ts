/**
 * A page reload in the middle of a match resumes the same ship: the tab keeps the seat's
 * reconnection token (sessionStorage), the reloaded page rejoins with it, and the other player
 * never sees a second ship for it.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { joinInBrowser, launchChromium, npmStart, type StartedServer } from "./browser.ts";

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

const selfIdOf = (page: Page): Promise<string> =>
  page.evaluate(() => (window.__tickArena?.scene === "game" ? window.__tickArena.selfId : ""));
const shipIdsOf = (page: Page): Promise<string[]> =>
  page.evaluate(() => (window.__tickArena?.scene === "game" ? window.__tickArena.ships().map((s) => s.id) : []));

describe("a page reload", () => {
  it("resumes the same ship, and the other player never sees a second one", async () => {
    const alpha = await joinInBrowser(browser, server.url, "Alpha");
    const bravo = await joinInBrowser(browser, server.url, "Bravo");
    await bravo.page.waitForFunction(
      () => window.__tickArena?.scene === "game" && window.__tickArena.ships().length === 2,
      undefined,
      { timeout: 20_000 },
    );
    const before = await selfIdOf(alpha.page);

    // Watch Bravo's view through the reload, every 100 ms.
    let watching = true;
    const seen: number[] = [];
    const watcher = (async () => {
      while (watching) {
        seen.push((await shipIdsOf(bravo.page)).length);
        await bravo.page.waitForTimeout(100);
      }
    })();

    await alpha.page.reload();
    await alpha.page.waitForFunction(() => window.__tickArena?.scene === "game", undefined, { timeout: 20_000 });
    const after = await selfIdOf(alpha.page);
    await alpha.page.waitForTimeout(1000);
    watching = false;
    await watcher;

    console.log(
      `reload: session ${before} -> ${after}; ships seen by the other player ${JSON.stringify([...new Set(seen)])}`,
    );
    expect(after).toBe(before);
    expect(Math.max(...seen)).toBe(2);
    expect(await shipIdsOf(bravo.page)).toEqual(expect.arrayContaining([before]));
    expect((await shipIdsOf(bravo.page)).length).toBe(2);
    expect([...alpha.errors, ...bravo.errors]).toEqual([]);
  }, 120_000);
});
