/**
 * Playing together in real Chromium against `npm start`: a private room opened from the menu
 * and joined through its invite link (a party lands together, next to the host), chat that
 * shows HTML as text, names with markup refused by the field, and the lobby list on the menu
 * with a Watch button that opens a spectator seat in a public room.
 */
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, collectErrors, launchChromium, npmStart, type StartedServer } from "./browser.ts";

const VIEWPORT = { width: 1280, height: 800 };

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

interface Tab {
  readonly page: Page;
  readonly errors: string[];
}

async function openMenu(query = ""): Promise<Tab> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  const errors = collectErrors(page, "page");
  await page.goto(`${server.url}/${query}`);
  await page.waitForFunction(() => window.__tickArena?.scene === "menu", undefined, { timeout: 20_000 });
  return { page, errors };
}

async function inGame(page: Page): Promise<{ roomId: string; selfId: string }> {
  await page.waitForFunction(() => window.__tickArena?.scene === "game", undefined, { timeout: 20_000 });
  return page.evaluate(() => {
    const hook = window.__tickArena;
    return hook?.scene === "game" ? { roomId: hook.roomId, selfId: hook.selfId } : { roomId: "", selfId: "" };
  });
}

function shipsDrawn(page: Page): Promise<{ id: string; name: string; x: number; y: number }[]> {
  return page.evaluate(() => {
    const hook = window.__tickArena;
    return hook?.scene === "game" ? hook.ships().map((s) => ({ id: s.id, name: s.name, x: s.x, y: s.y })) : [];
  });
}

describe("playing together in the browser", () => {
  it("opens a private room, lets a friend in through the invite link, and shows chat HTML as text", async () => {
    const host = await openMenu();
    await host.page.locator("#nickname").fill("Host");
    await host.page.locator("#create-private").click();
    const hosted = await inGame(host.page);
    const code = (await host.page.locator("[data-testid=room-code]").textContent())?.trim() ?? "";
    expect(code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/);
    expect(hosted.roomId).toBe(code);

    // The friend follows the invite link: the code is filled in, Play joins that room.
    const friend = await openMenu(`?room=${code}`);
    expect(await friend.page.locator("#room-code").inputValue()).toBe(code);
    await friend.page.locator("#nickname").fill("Friend");
    await friend.page.locator("#play").click();
    const joined = await inGame(friend.page);
    expect(joined.roomId).toBe(code);

    // Both ships in one room, the friend spawned next to the host (the nearest free spawn point
    // is a few hundred px away; across the map is over 1,800), and the match that starts as
    // the friend arrives leaves them there.
    await friend.page.waitForFunction(
      () => window.__tickArena?.scene === "game" && window.__tickArena.ships().length === 2,
      undefined,
      { timeout: 10_000 },
    );
    const ships = await shipsDrawn(friend.page);
    const [a, b] = ships;
    expect(Math.hypot(a!.x - b!.x, a!.y - b!.y)).toBeLessThan(800);

    // Chat: markup arrives as text on the other page, and nothing of it runs.
    const hostile = `<img src=x onerror="window.__pwned=1"><b>bold</b>`;
    await host.page.keyboard.press("Enter");
    await host.page.locator("[data-testid=chat-input]").fill(hostile);
    await host.page.keyboard.press("Enter");
    const line = friend.page.locator("[data-testid=chat-line][data-kind=player]").last();
    await line.waitFor({ timeout: 10_000 });
    expect(await line.textContent()).toContain(hostile);
    expect(await friend.page.locator("[data-testid=chat-panel] img, [data-testid=chat-panel] b").count()).toBe(0);
    expect(await friend.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await friend.page.screenshot({ path: path.join(ARTIFACTS, "private-room-chat.png") });

    expect([...host.errors, ...friend.errors]).toEqual([]);
    await host.page.context().close();
    await friend.page.context().close();
  }, 90_000);

  it("refuses markup in the name field with the shared rule's message", async () => {
    const tab = await openMenu();
    await tab.page.locator("#nickname").fill("<b>x</b>");
    await tab.page.locator("#play").click();
    await expect
      .poll(() => tab.page.locator("#menu-status").textContent(), { timeout: 5_000 })
      .toMatch(/letters, digits, emoji/);
    expect(await tab.page.evaluate(() => window.__tickArena?.scene)).toBe("menu");
    await tab.page.context().close();
  }, 30_000);

  it("lists public rooms live on the menu, hides private ones, and watches one as a spectator", async () => {
    const menu = await openMenu();
    const player = await openMenu();
    await player.page.locator("#nickname").fill("Listed");
    await player.page.locator("#play").click();
    const { roomId } = await inGame(player.page);

    // The room appears on the open menu without a reload.
    const row = menu.page.locator(`[data-testid=room-list] li[data-room-id="${roomId}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toMatch(/\d+\/16 pilots/);
    await menu.page.screenshot({ path: path.join(ARTIFACTS, "lobby.png") });

    // A private room never shows.
    const secret = await openMenu();
    await secret.page.locator("#create-private").click();
    const hidden = await inGame(secret.page);
    await menu.page.waitForTimeout(1500);
    expect(await menu.page.locator(`[data-testid=room-list] li[data-room-id="${hidden.roomId}"]`).count()).toBe(0);

    // Watch: a spectator seat in that room, no ship of its own, the player's ship drawn.
    await row.locator("button", { hasText: "Watch" }).click();
    const watching = await inGame(menu.page);
    expect(watching.roomId).toBe(roomId);
    await menu.page.waitForFunction(
      () => window.__tickArena?.scene === "game" && window.__tickArena.role() === "spectator",
      undefined,
      { timeout: 10_000 },
    );
    await menu.page.waitForFunction(
      () => window.__tickArena?.scene === "game" && window.__tickArena.ships().length >= 1,
      undefined,
      { timeout: 10_000 },
    );
    const seen = await shipsDrawn(menu.page);
    expect(seen.some((s) => s.id === watching.selfId)).toBe(false);
    expect(seen.some((s) => s.name === "Listed")).toBe(true);

    expect([...menu.errors, ...player.errors, ...secret.errors]).toEqual([]);
    for (const tab of [menu, player, secret]) await tab.page.context().close();
  }, 90_000);
});
