/**
 * Playing together in real Chromium against `npm start`: a private room opened from the menu,
 * its invite link copied from the match and opened by a friend (who lands in that room, next to
 * the host, without touching the menu), a wrong or dead link, chat that shows HTML as text,
 * names refused by the field with the shared rule's reason (markup, too long), leaving the
 * ranked queue, the menu's layout at 1280 and 360 px, and the lobby list on the menu with a
 * Watch button that opens a spectator seat in a public room.
 */
import path from "node:path";
import { Client, type Room } from "@colyseus/sdk";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RoomName } from "../../shared/protocol.ts";
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

/**
 * Opens `query` (an invite link) in a fresh browser that remembers the pilot name `name`, as a
 * friend's browser that played before would; `clipboard: false` removes the clipboard API, as
 * on a page served over plain http.
 */
async function openLink(query: string, name: string, clipboard = true): Promise<Tab> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript(
    ([stored, keepClipboard]) => {
      localStorage.setItem("tickArena.nickname", stored);
      if (!keepClipboard) Object.defineProperty(navigator, "clipboard", { value: undefined });
    },
    [name, clipboard] as const,
  );
  const page = await context.newPage();
  const errors = collectErrors(page, name);
  await page.goto(`${server.url}/${query}`);
  return { page, errors };
}

/**
 * A pilot seated by the stock SDK with a guest token (no browser to render it): quick play in
 * `room`, or with `{ private: true }` a private room it creates.
 */
async function sdkPilot(room: RoomName, name: string, options: { private?: boolean } = {}): Promise<Room> {
  const guest = await fetch(`${server.url}/auth/guest`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  const client = new Client(server.url);
  client.auth.token = ((await guest.json()) as { token: string }).token;
  return options.private === true ? client.create(room, { name, private: true }) : client.joinOrCreate(room, { name });
}

/** The browser's own report of a failed request (the matchmaker's 4xx for a code no room has). */
const FAILED_REQUEST = /console: Failed to load resource: the server responded with a status of 4\d\d/;

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
  it("opens a private room, copies its invite link, seats a friend who opens it, and shows chat HTML as text", async () => {
    const host = await openMenu();
    await host.page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await host.page.locator("#nickname").fill("Host");
    await host.page.locator("#create-private").click();
    const hosted = await inGame(host.page);
    const code = (await host.page.locator("[data-testid=room-code]").textContent())?.trim() ?? "";
    expect(code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/);
    expect(hosted.roomId).toBe(code);

    // "Copy invite link", clicked as a person does (the button held 150 ms, many frames): the
    // link is on the clipboard and the button says so.
    const copy = host.page.locator("[data-testid=copy-invite]");
    await expect.poll(() => copy.textContent()).toBe("Copy invite link");
    await copy.click({ delay: 150 });
    await expect.poll(() => copy.textContent(), { timeout: 5_000 }).toBe("Copied!");
    const link = await host.page.evaluate(() => navigator.clipboard.readText());
    expect(link).toBe(`${server.url}/?room=${code}`);

    // The friend opens the link: straight into that room with the name their browser keeps,
    // no menu to press; the address no longer carries the invite (leaving does not rejoin).
    const friend = await openLink(`?room=${code}`, "Friend", false);
    const joined = await inGame(friend.page);
    expect(joined.roomId).toBe(code);
    expect(new URL(friend.page.url()).searchParams.has("room")).toBe(false);
    await host.page.waitForFunction(
      () => window.__tickArena?.scene === "game" && window.__tickArena.ships().some((s) => s.name === "Friend"),
      undefined,
      { timeout: 10_000 },
    );

    // Without a clipboard (plain http), the button shows the link itself, selected.
    await friend.page.locator("[data-testid=copy-invite]").click({ delay: 150 });
    await expect.poll(() => friend.page.locator("[data-testid=copy-invite]").textContent()).toBe("Copy the link:");
    const shown = friend.page.locator("[data-testid=invite-link]");
    expect(await shown.isVisible()).toBe(true);
    expect(await shown.inputValue()).toBe(`${server.url}/?room=${code}`);

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

  it("refuses markup and names over either length bound in the name field with the shared rule's message", async () => {
    const tab = await openMenu();
    const status = tab.page.locator("#menu-status");
    await tab.page.locator("#nickname").fill("<b>x</b>");
    await tab.page.locator("#play").click();
    await expect.poll(() => status.textContent(), { timeout: 5_000 }).toMatch(/letters, digits, emoji/);
    expect(await tab.page.evaluate(() => window.__tickArena?.scene)).toBe("menu");

    // Sixteen family emoji: 16 characters but 176 UTF-16 code units. The field keeps every
    // cluster whole (no cut sequence), says why at once, and Play sends nothing.
    const families = "👨‍👩‍👧‍👦".repeat(16);
    await tab.page.locator("#nickname").fill(families);
    expect(await tab.page.locator("#nickname").inputValue()).toBe(families);
    await expect.poll(() => status.textContent(), { timeout: 5_000 }).toMatch(/too long: .*96 UTF-16 code units/);
    await tab.page.locator("#play").click();
    await tab.page.waitForTimeout(1000);
    expect(await status.textContent()).toMatch(/too long: .*96 UTF-16 code units/);
    expect(await tab.page.evaluate(() => window.__tickArena?.scene)).toBe("menu");
    await tab.page.screenshot({ path: path.join(ARTIFACTS, "name-too-long.png") });

    // Seventeen letters: the other bound, also kept whole and refused with its reason.
    await tab.page.locator("#nickname").fill("A".repeat(17));
    expect(await tab.page.locator("#nickname").inputValue()).toBe("A".repeat(17));
    await expect.poll(() => status.textContent()).toBe("Nickname is longer than 16 characters.");
    await tab.page.locator("#nickname").fill("A".repeat(16));
    await expect.poll(() => status.textContent()).toBe("");
    expect(tab.errors).toEqual([]);
    await tab.page.context().close();
  }, 60_000);

  it("leaves the menu saying why when an invite link's room is gone or its code is wrong", async () => {
    const tab = await openLink("?room=QQQQQQ", "Late");
    const status = tab.page.locator("#menu-status");
    await tab.page.waitForFunction(() => window.__tickArena?.scene === "menu", undefined, { timeout: 20_000 });
    await expect
      .poll(() => status.textContent(), { timeout: 15_000 })
      .toBe("No room has the code QQQQQQ: check it, or the room may have ended.");
    expect(await tab.page.evaluate(() => window.__tickArena?.scene)).toBe("menu");
    // Play now quick-plays: the dead code is not left in the field.
    expect(await tab.page.locator("#room-code").inputValue()).toBe("");
    expect(new URL(tab.page.url()).searchParams.has("room")).toBe(false);
    await tab.page.screenshot({ path: path.join(ARTIFACTS, "invite-gone.png") });

    await tab.page.goto(`${server.url}/?room=AB1`);
    await expect
      .poll(() => status.textContent(), { timeout: 15_000 })
      .toBe('The invite link\'s room code "AB1" is not valid: a code has 6 letters and digits.');
    // The browser itself logs the matchmaker's 404 for the unknown code; nothing else.
    expect(tab.errors.filter((e) => !FAILED_REQUEST.test(e))).toEqual([]);
    await tab.page.context().close();
  }, 60_000);

  it("leaves the ranked queue without an error when Ranked match is pressed again", async () => {
    const tab = await openMenu();
    const status = tab.page.locator("#menu-status");
    await tab.page.locator("#nickname").fill("Canceller");
    await tab.page.locator("#ranked").click();
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toMatch(/: 1 pilot found… press again/);
    await tab.page.locator("#ranked").click();
    await expect.poll(() => status.textContent()).toBe("Left the ranked queue.");
    // The queue's close (code 4000) that follows must not turn it into an error.
    await tab.page.waitForTimeout(1500);
    expect(await status.textContent()).toBe("Left the ranked queue.");
    expect(await status.getAttribute("class")).not.toMatch(/error/);
    expect(await tab.page.locator("#play").isDisabled()).toBe(false);
    expect(tab.errors).toEqual([]);
    await tab.page.context().close();
  }, 60_000);

  it("keeps the room code's Join beside its field, room lines whole and the sound row inside the form, at 1280 and 360 px", async () => {
    // A pilot in a big arena (an SDK client: no second browser to render it).
    const pilot = await sdkPilot(RoomName.ArenaLarge, "Wide");
    const roomId = pilot.roomId;
    const menu = await openMenu();
    const row = menu.page.locator(`[data-testid=room-list] li[data-room-id="${roomId}"]`);
    await row.waitFor({ timeout: 10_000 });
    for (const viewport of [VIEWPORT, { width: 360, height: 640 }]) {
      await menu.page.setViewportSize(viewport);
      await menu.page.waitForTimeout(1000);
      const field = (await menu.page.locator("#room-code").boundingBox())!;
      const join = (await menu.page.locator("#join-code").boundingBox())!;
      expect(Math.abs(join.y - field.y), `Join beside the code field at ${viewport.width} px`).toBeLessThan(2);
      expect(join.x).toBeGreaterThan(field.x + field.width);
      const label = row.locator(".room-label");
      expect(await label.textContent()).toMatch(/^Big arena · 1\/64 pilots · /);
      const cut = await label.evaluate((el) => el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight);
      expect(cut, `room line cut at ${viewport.width} px`).toBe(false);
      const form = (await menu.page.locator(".menu-form").boundingBox())!;
      expect(form.x).toBeGreaterThanOrEqual(0);
      expect(form.x + form.width).toBeLessThanOrEqual(viewport.width);
      // The sound row (and the Keys button it carries on a desktop) stays inside the form.
      for (const control of ["#mute", "#volume", "#keys-toggle"]) {
        const box = (await menu.page.locator(control).boundingBox())!;
        expect(box.x + box.width, `${control} inside the form at ${viewport.width} px`).toBeLessThanOrEqual(
          form.x + form.width,
        );
      }
      await menu.page.screenshot({ path: path.join(ARTIFACTS, `menu-layout-${viewport.width}.png`) });
    }
    expect(menu.errors).toEqual([]);
    await menu.page.context().close();
    await pilot.leave();
  }, 90_000);

  it("lists public rooms live on the menu, hides private ones, and watches one as a spectator", async () => {
    // The pilots are SDK clients: the browser's own Play and private-room paths are the first
    // test's; two more rendering pages would only slow this one down.
    const menu = await openMenu();
    const player = await sdkPilot(RoomName.Arena, "Listed");
    const roomId = player.roomId;

    // The room appears on the open menu without a reload.
    const row = menu.page.locator(`[data-testid=room-list] li[data-room-id="${roomId}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toMatch(/\d+\/16 pilots/);
    await menu.page.screenshot({ path: path.join(ARTIFACTS, "lobby.png") });

    // A private room never shows.
    const secret = await sdkPilot(RoomName.Arena, "Secret", { private: true });
    await menu.page.waitForTimeout(1500);
    expect(await menu.page.locator(`[data-testid=room-list] li[data-room-id="${secret.roomId}"]`).count()).toBe(0);
    await secret.leave();

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

    expect(menu.errors).toEqual([]);
    await menu.page.context().close();
    await player.leave();
  }, 90_000);
});
