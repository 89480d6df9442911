/**
 * Sound in headless Chromium against `npm start`, with the browser's default autoplay policy:
 * no AudioContext and no sound before the first user gesture; after it, a host who shoots a
 * friend in a private room hears shots, hits and the kill, the friend hears being hit and
 * destroyed, M mutes (what fires is then recorded as suppressed, not played), and the mute
 * switch and volume are remembered across visits, on a phone-sized menu too.
 */
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, collectErrors, launchChromium, npmStart, type StartedServer } from "./browser.ts";

const VIEWPORT = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

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

declare global {
  interface Window {
    /** Every AudioContext the page created (counted by the init script below). */
    __audioContexts?: AudioContext[];
  }
}

/** A fresh browser context on the menu, counting the AudioContexts the page creates. */
async function openMenu(query = "", viewport = VIEWPORT): Promise<Tab> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = collectErrors(page, "page");
  await page.addInitScript(() => {
    const Native = window.AudioContext;
    const made: AudioContext[] = [];
    window.__audioContexts = made;
    window.AudioContext = class extends Native {
      constructor(options?: AudioContextOptions) {
        super(options);
        made.push(this);
      }
    };
  });
  await page.goto(`${server.url}/${query}`);
  await page.waitForFunction(() => window.__tickArena?.scene === "menu", undefined, { timeout: 20_000 });
  return { page, errors };
}

interface AudioReport {
  readonly sounds: string[];
  readonly suppressed: string[];
  readonly unlocked: boolean;
  readonly state: string;
  readonly contexts: string[];
}

function audioReport(page: Page): Promise<AudioReport> {
  return page.evaluate(() => {
    const hook = window.__tickArena;
    return {
      sounds: hook?.sounds().map((s) => s.name) ?? [],
      suppressed: hook?.suppressedSounds().map((s) => s.name) ?? [],
      unlocked: hook?.audioUnlocked() ?? false,
      state: hook?.audioState() ?? "none",
      contexts: (window.__audioContexts ?? []).map((c) => c.state),
    };
  });
}

async function inGame(page: Page): Promise<{ roomId: string; selfId: string }> {
  await page.waitForFunction(() => window.__tickArena?.scene === "game", undefined, { timeout: 20_000 });
  return page.evaluate(() => {
    const hook = window.__tickArena;
    return hook?.scene === "game" ? { roomId: hook.roomId, selfId: hook.selfId } : { roomId: "", selfId: "" };
  });
}

/** Where on `page`'s canvas to put the mouse to aim at ship `targetId` (null: not drawn). */
function aimPoint(page: Page, targetId: string): Promise<{ x: number; y: number } | null> {
  return page.evaluate((id) => {
    const hook = window.__tickArena;
    if (hook?.scene !== "game") return null;
    const ships = hook.ships();
    const me = ships.find((s) => s.id === hook.selfId);
    const foe = ships.find((s) => s.id === id);
    if (me === undefined || foe === undefined || !foe.visible) return null;
    const view = hook.view();
    const dx = foe.x - me.x;
    const dy = foe.y - me.y;
    const d = Math.hypot(dx, dy) || 1;
    // Only the direction matters: a point 150 px from your ship towards the target stays on screen.
    return { x: (me.x - view.x) * view.zoom + (dx / d) * 150, y: (me.y - view.y) * view.zoom + (dy / d) * 150 };
  }, targetId);
}

function sounds(page: Page): Promise<string[]> {
  return page.evaluate(() => window.__tickArena?.sounds().map((s) => s.name) ?? []);
}

describe("sound in Chromium", () => {
  it("stays silent before the first gesture, then sounds hits and kills", async () => {
    const host = await openMenu();
    // Give the menu time to do everything it does by itself (lobby, live feed).
    await host.page.waitForTimeout(1500);
    const before = await audioReport(host.page);
    // (Not navigator.userActivation: Playwright's evaluate counts as a gesture for Chromium, but
    // it dispatches no event, so the game's gesture listeners stay waiting.)
    expect(before).toEqual({ sounds: [], suppressed: [], unlocked: false, state: "none", contexts: [] });

    await host.page.locator("#nickname").fill("Gunner");
    await host.page.locator("#create-private").click();
    await inGame(host.page);
    await host.page.waitForFunction(() => window.__tickArena?.audioUnlocked() === true, undefined, { timeout: 5_000 });
    const unlocked = await audioReport(host.page);
    expect(unlocked.state).toBe("running");
    expect(unlocked.contexts).toEqual(["running"]);
    const code = (await host.page.locator("[data-testid=room-code]").textContent())?.trim() ?? "";

    // The invite link seats the friend by itself: no click, so no sound yet ...
    const friend = await openMenu(`?room=${code}`);
    const target = await inGame(friend.page);
    expect((await audioReport(friend.page)).contexts).toEqual([]);
    // ... until its first key press (one no action is bound to).
    await friend.page.keyboard.press("KeyX");
    await friend.page.waitForFunction(() => window.__tickArena?.audioUnlocked() === true, undefined, {
      timeout: 5_000,
    });
    await host.page.waitForFunction(
      () => window.__tickArena?.scene === "game" && window.__tickArena.ships().length === 2,
      undefined,
      { timeout: 10_000 },
    );
    // The second pilot starts the match.
    await host.page.waitForFunction(
      () => window.__tickArena?.sounds().some((s) => s.name === "match-start") === true,
      undefined,
      { timeout: 10_000 },
    );

    // The host holds the trigger, aimed at the friend, until the kill is heard.
    let killed = false;
    let held = false;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline && !killed;) {
      const aim = await aimPoint(host.page, target.selfId);
      if (aim !== null) {
        await host.page.mouse.move(aim.x, aim.y);
        if (!held) await host.page.mouse.down();
        held = true;
      }
      await host.page.waitForTimeout(150);
      killed = (await sounds(host.page)).includes("kill");
    }
    await host.page.mouse.up();
    await host.page.screenshot({ path: path.join(ARTIFACTS, "sound-kill.png") });

    const heard = await sounds(host.page);
    const said = `the host heard ${heard.join(", ")}`;
    expect(heard, said).toContain("shot");
    expect(heard, said).toContain("hit");
    expect(heard, said).toContain("kill");
    expect(heard, said).not.toContain("hurt");
    expect(heard.indexOf("hit"), said).toBeLessThan(heard.lastIndexOf("kill"));
    // Every sound came after the gesture that unlocked audio.
    const times = await host.page.evaluate(() => window.__tickArena?.sounds().map((s) => s.at) ?? []);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);

    // The friend heard being hit, then destroyed, then the respawn three seconds later.
    await friend.page.waitForFunction(
      () => window.__tickArena?.sounds().some((s) => s.name === "respawn") === true,
      undefined,
      { timeout: 10_000 },
    );
    const felt = await sounds(friend.page);
    const told = `the friend heard ${felt.join(", ")}`;
    expect(felt, told).toContain("hurt");
    expect(felt.indexOf("death"), told).toBeGreaterThan(felt.indexOf("hurt"));
    expect(felt.indexOf("respawn"), told).toBeGreaterThan(felt.indexOf("death"));
    expect(felt, told).not.toContain("kill");

    // M mutes: the badge says so, the setting is stored, and shots are suppressed, not played.
    await host.page.keyboard.press("KeyM");
    await expect.poll(() => host.page.locator("[data-testid=sound-badge]").getAttribute("data-muted")).toBe("true");
    expect(await host.page.evaluate(() => localStorage.getItem("tickArena.muted"))).toBe("1");
    const playedBefore = (await sounds(host.page)).length;
    await host.page.mouse.move(VIEWPORT.width / 2 + 120, VIEWPORT.height / 2);
    await host.page.mouse.down();
    await host.page.waitForTimeout(1000);
    await host.page.mouse.up();
    const muted = await audioReport(host.page);
    expect(muted.suppressed).toContain("shot");
    expect(muted.sounds).toHaveLength(playedBefore);
    await host.page.keyboard.press("KeyM");
    await expect.poll(() => host.page.locator("[data-testid=sound-badge]").getAttribute("data-muted")).toBe("false");

    expect([...host.errors, ...friend.errors]).toEqual([]);
    await host.page.context().close();
    await friend.page.context().close();
  }, 120_000);

  it("remembers mute and volume across visits, on a phone-sized menu", async () => {
    const tab = await openMenu("", PHONE);
    const mute = tab.page.locator("#mute");
    const volume = tab.page.locator("#volume");
    expect(await mute.getAttribute("aria-pressed")).toBe("false");
    expect(await volume.inputValue()).toBe("70");

    // `force`: a real click without Playwright's "stable" wait; on the phone-sized menu Phaser's
    // DOM layer moves the form by a few 1e-5 px from frame to frame, which that wait never accepts.
    await mute.click({ force: true });
    await tab.page.waitForFunction(() => window.__tickArena?.audioUnlocked() === true, undefined, { timeout: 5_000 });
    await volume.fill("35");
    expect(await mute.getAttribute("aria-pressed")).toBe("true");
    expect(await tab.page.locator("#volume-value").textContent()).toBe("35%");
    // The click was the first gesture: audio runs, but muted nothing plays.
    expect(await sounds(tab.page)).toEqual([]);

    await tab.page.reload({ waitUntil: "domcontentloaded" });
    await tab.page.waitForFunction(() => window.__tickArena?.scene === "menu", undefined, { timeout: 20_000 });
    expect(await tab.page.locator("#mute").getAttribute("aria-pressed")).toBe("true");
    expect(await tab.page.locator("#volume").inputValue()).toBe("35");
    expect(await tab.page.evaluate(() => window.__tickArena?.soundSettings())).toEqual({ muted: true, volume: 35 });
    // A new visit starts locked again.
    expect(await tab.page.evaluate(() => window.__tickArena?.audioUnlocked())).toBe(false);

    // Everything of the form fits the phone's screen, the sound row included, even with a long
    // room list (rows added here as the lobby would).
    await tab.page.evaluate(() => {
      const list = document.getElementById("room-list")!;
      const rows = Array.from({ length: 12 }, (_, i) => {
        const li = document.createElement("li");
        const label = document.createElement("span");
        label.textContent = `${i + 1}/16 pilots · 3:00 left`;
        const join = document.createElement("button");
        join.type = "button";
        join.textContent = "Join";
        li.append(label, join);
        return li;
      });
      list.replaceChildren(...rows);
    });
    for (const id of ["#play", "#mute", "#volume", "#volume-value", "#show-leaderboard", "#live-now", ".menu-form"]) {
      const box = await tab.page.locator(id).boundingBox();
      expect(box, id).not.toBeNull();
      expect(box!.x, id).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width, id).toBeLessThanOrEqual(PHONE.width);
      expect(box!.y + box!.height, id).toBeLessThanOrEqual(PHONE.height);
    }
    await tab.page.screenshot({ path: path.join(ARTIFACTS, "sound-settings-phone.png") });

    // Unmuted again, letting go of the slider plays a sample.
    await tab.page.locator("#mute").click({ force: true });
    await tab.page.waitForFunction(() => window.__tickArena?.audioUnlocked() === true, undefined, { timeout: 5_000 });
    await tab.page.locator("#volume").fill("50");
    await tab.page.waitForFunction(() => window.__tickArena?.sounds().some((s) => s.name === "preview") === true);

    expect(tab.errors).toEqual([]);
    await tab.page.context().close();
  }, 60_000);
});
