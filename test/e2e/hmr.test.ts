/**
 * The dev loop keeps you in the match: under `npm run dev`, a render module imported only by
 * the match scene (client/src/render/hud.ts) is touched on disk; Vite's HMR replaces the match
 * scene in place (game/hot-scenes.ts). The page is not reloaded (a marker set on `window`
 * survives), the scene is a new instance (its start time changes), it is the same seat in the
 * same room (same session id, one pilot on the server), and the ship still answers the keys.
 * A netcode module touched instead reloads the page, which resumes the same seat.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { utimesSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { collectErrors, freePort, launchChromium, ROOT, waitForOwnShip } from "./browser.ts";

let dev: ChildProcess | undefined;
let browser: Browser | undefined;
const out: string[] = [];

afterAll(async () => {
  await browser?.close();
  if (dev?.pid !== undefined && dev.exitCode === null) {
    const exited = new Promise((resolve) => dev!.once("exit", resolve));
    process.kill(-dev.pid, "SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (dev.exitCode === null) process.kill(-dev.pid, "SIGKILL");
  }
});

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${out.join("")}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface MatchState {
  readonly selfId: string;
  readonly createdAt: number;
  readonly marker: unknown;
  readonly x: number | null;
}

function matchState(page: Page): Promise<MatchState | null> {
  return page.evaluate(() => {
    const hook = window.__tickArena;
    if (hook?.scene !== "game") return null;
    const self = hook.ships().find((s) => s.id === hook.selfId);
    return {
      selfId: hook.selfId,
      createdAt: hook.createdAt,
      marker: (window as unknown as { hmrMarker?: unknown }).hmrMarker,
      x: self?.visible ? self.x : null,
    };
  });
}

describe("npm run dev: hot module replacement", () => {
  it("replaces the match scene when a render module changes, without leaving the match", async () => {
    const gamePort = await freePort();
    const vitePort = await freePort();
    dev = spawn("npm", ["run", "dev"], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(gamePort), VITE_PORT: String(vitePort) },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    dev.stdout?.on("data", (d: Buffer) => out.push(d.toString()));
    dev.stderr?.on("data", (d: Buffer) => out.push(d.toString()));
    await until(async () => (await fetch(`http://127.0.0.1:${gamePort}/healthz`)).ok, 60_000, "the game server");
    await until(async () => (await fetch(`http://127.0.0.1:${vitePort}/`)).ok, 60_000, "the Vite dev server");

    browser = await launchChromium();
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const errors = collectErrors(page, "hmr");
    const logs: string[] = [];
    page.on("console", (msg) => logs.push(msg.text()));
    await page.goto(`http://127.0.0.1:${vitePort}/`);
    await page.locator("#nickname").fill("Hot");
    await page.locator("#play").click();
    await waitForOwnShip(page, 60_000);
    await page.evaluate(() => ((window as unknown as { hmrMarker: number }).hmrMarker = 42));
    const before = (await matchState(page))!;

    // "Edit" the HUD module: its modification time changes, Vite sends the update.
    const hud = path.join(ROOT, "client", "src", "render", "hud.ts");
    const now = new Date();
    utimesSync(hud, now, now);
    await page.waitForFunction(
      (createdAt) => window.__tickArena?.scene === "game" && window.__tickArena.createdAt !== createdAt,
      before.createdAt,
      { timeout: 30_000 },
    );
    const after = (await matchState(page))!;
    expect(after.marker, "the page was not reloaded").toBe(42);
    expect(after.selfId, "the same seat").toBe(before.selfId);
    expect(logs.some((l) => l.includes("[hmr] game scene replaced and restarted"))).toBe(true);
    const health = (await (await fetch(`http://127.0.0.1:${gamePort}/healthz`)).json()) as { ccu: number };
    expect(health.ccu, "one pilot on the server: no second connection").toBe(1);

    // The replaced scene still drives the same ship: D (or A, against a wall) moves it.
    await waitForOwnShip(page, 30_000);
    let moved = 0;
    for (const key of ["KeyD", "KeyA"]) {
      const x0 = (await matchState(page))!.x!;
      await page.keyboard.down(key);
      await page.waitForTimeout(800);
      await page.keyboard.up(key);
      await page.waitForTimeout(300);
      moved = Math.abs((await matchState(page))!.x! - x0);
      if (moved > 30) break;
    }
    expect(moved).toBeGreaterThan(30);

    // A netcode module (net/rejoin.ts) is not hot-swapped: the page reloads (vite.config.ts)
    // and resumes the same seat with its reconnection token.
    const beforeReload = (await matchState(page))!;
    utimesSync(path.join(ROOT, "client", "src", "net", "rejoin.ts"), new Date(), new Date());
    await page.waitForFunction(
      (marker) => {
        const hook = window.__tickArena;
        if ((window as unknown as { hmrMarker?: unknown }).hmrMarker === marker || hook?.scene !== "game") return false;
        return hook.ships().some((s) => s.id === hook.selfId);
      },
      42,
      { timeout: 60_000 },
    );
    const resumed = (await matchState(page))!;
    expect(resumed.marker, "the page reloaded").toBeUndefined();
    expect(resumed.selfId, "the same seat, resumed").toBe(beforeReload.selfId);
    expect(errors).toEqual([]);
  }, 180_000);
});
