/**
 * `npm run dev` as a contributor uses it: with `PORT` (and `VITE_PORT`) moved off the defaults,
 * the page Vite serves joins the game server on that port, in headless Chromium; with the game
 * port taken, the command stops at once, non-zero, with one clear line.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { collectErrors, freePort, launchChromium, ROOT } from "./browser.ts";

interface Run {
  readonly child: ChildProcess;
  readonly out: string[];
  readonly exited: Promise<number | null>;
}

function npmRunDev(env: Record<string, string>): Run {
  const out: string[] = [];
  const child = spawn("npm", ["run", "dev"], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout?.on("data", (d: Buffer) => out.push(d.toString()));
  child.stderr?.on("data", (d: Buffer) => out.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, out, exited };
}

async function stopGroup(run: Run): Promise<void> {
  if (run.child.exitCode !== null || run.child.pid === undefined) return;
  try {
    process.kill(-run.child.pid, "SIGTERM");
  } catch {
    return;
  }
  const gone = await Promise.race([
    run.exited.then(() => true),
    new Promise((r) => setTimeout(() => r(false), 10_000)),
  ]);
  if (!gone) process.kill(-run.child.pid, "SIGKILL");
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("npm run dev", () => {
  let browser: Browser | undefined;
  const runs: Run[] = [];

  afterAll(async () => {
    await browser?.close();
    await Promise.all(runs.map(stopGroup));
  });

  it("stops at once with one clear line when the game port is taken", async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    try {
      const run = npmRunDev({ PORT: String(port), VITE_PORT: String(await freePort()) });
      runs.push(run);
      const code = await Promise.race([run.exited, new Promise<"hung">((r) => setTimeout(() => r("hung"), 30_000))]);
      expect(code, run.out.join("")).not.toBe("hung");
      expect(code).not.toBe(0);
      const lines = run.out
        .join("")
        .split("\n")
        .filter((l) => l.includes(`port ${port}`));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/already in use/);
      expect(lines[0]).toMatch(/PORT=/);
      expect(run.out.join("")).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      blocker.close();
    }
  });

  it("moves both ends with PORT: the page on the Vite port joins the game server on that port", async () => {
    const gamePort = await freePort();
    const vitePort = await freePort();
    const run = npmRunDev({ PORT: String(gamePort), VITE_PORT: String(vitePort) });
    runs.push(run);
    await until(async () => (await fetch(`http://127.0.0.1:${gamePort}/healthz`)).ok, 60_000, "the game server");
    await until(async () => (await fetch(`http://127.0.0.1:${vitePort}/`)).ok, 60_000, "the Vite dev server");

    browser = await launchChromium();
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const errors = collectErrors(page, "dev");
    await page.goto(`http://127.0.0.1:${vitePort}/`);
    await page.locator("#nickname").fill("Dev");
    await page.locator("#play").click();
    await page.waitForFunction(() => window.__tickArena?.scene === "game", undefined, { timeout: 60_000 });
    const health = (await (await fetch(`http://127.0.0.1:${gamePort}/healthz`)).json()) as { ccu: number };
    expect(health.ccu).toBeGreaterThanOrEqual(1);
    expect(errors).toEqual([]);
  });
});
