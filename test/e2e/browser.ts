/**
 * E2E harness: runs the production server exactly as `npm start` does, and drives Debian's
 * Chromium through playwright-core. Screenshots go to test-results/e2e (not committed).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const ARTIFACTS = path.join(ROOT, "test-results", "e2e");

/** Flags for headless Chromium on a machine with no GPU and no outside network. */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Asks the OS for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr !== null ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

/** A production server started with `npm start`, plus its log. */
export interface StartedServer {
  readonly url: string;
  readonly log: string[];
  stop(): Promise<void>;
}

/**
 * Runs `npm start` on `port` (a free one by default) and waits until /healthz answers (the
 * first run builds).
 */
export async function npmStart(
  timeoutMs: number,
  port?: number,
  env: Record<string, string> = {},
): Promise<StartedServer> {
  port ??= await freePort();
  const log: string[] = [];
  const child: ChildProcess = spawn("npm", ["start", "--silent"], {
    cwd: ROOT,
    // DRAIN_SECONDS=0: a test's stop (SIGTERM, SIGKILL after 5 s) is not a deploy to drain.
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DRAIN_SECONDS: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout?.on("data", (d: Buffer) => log.push(d.toString()));
  child.stderr?.on("data", (d: Buffer) => log.push(d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(-child.pid, "SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${log.join("")}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return { url, log, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`npm start did not answer within ${timeoutMs} ms:\n${log.join("")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Launches headless Chromium. */
export function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

/** Console errors and uncaught page errors of one page. */
export function collectErrors(page: Page, label: string): string[] {
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(`${label} console: ${msg.text()}`);
  });
  page.on("pageerror", (err) => errors.push(`${label} pageerror: ${err.message}`));
  return errors;
}

/** Resolves once `page` runs the match scene and draws its own ship (bounded by `timeoutMs`). */
export async function waitForOwnShip(page: Page, timeoutMs = 20_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const hook = window.__tickArena;
      return hook?.scene === "game" && hook.ships().some((s) => s.id === hook.selfId && s.visible);
    },
    undefined,
    { timeout: timeoutMs },
  );
}

/** A page in a match, with its console errors. */
export interface PlayerPage {
  readonly page: Page;
  readonly errors: string[];
}

/**
 * Opens `url` (plus `query`, e.g. "?lag=150") in a fresh browser context, types `name` and
 * presses Play; resolves once the match scene runs.
 */
export async function joinInBrowser(
  browser: Browser,
  url: string,
  name: string,
  options: { query?: string; viewport?: { width: number; height: number } } = {},
): Promise<PlayerPage> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 960, height: 540 } });
  const page = await context.newPage();
  const errors = collectErrors(page, name);
  await page.goto(`${url}/${options.query ?? ""}`);
  await page.locator("#nickname").fill(name);
  await page.locator("#play").click();
  await page.waitForFunction(() => window.__tickArena?.scene === "game", undefined, { timeout: 20_000 });
  return { page, errors };
}
