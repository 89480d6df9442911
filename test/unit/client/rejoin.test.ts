import { describe, expect, it } from "vitest";
import { rejoin, rejoinDelayMs, REJOIN_GIVE_UP_MS, shouldRejoin } from "../../../client/src/net/rejoin.ts";

describe("rejoin", () => {
  it("backs off exponentially up to 10 s", () => {
    expect([0, 1, 2, 3, 4, 5].map(rejoinDelayMs)).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it("rejoins after the server, not the player, ended the session", () => {
    for (const code of [1006, 4001, 4003, 4500]) expect(shouldRejoin(code)).toBe(true);
    for (const code of [4000, 4002]) expect(shouldRejoin(code)).toBe(false);
  });

  it("counts down each second and tries again until the server is back", async () => {
    let now = 0;
    const shown: string[] = [];
    let tries = 0;
    const session = await rejoin({
      attempt: async () => {
        tries += 1;
        if (tries < 3) throw new Error("unreachable");
        return "session";
      },
      countdown: (left, attempt) => shown.push(`${attempt}:${left}`),
      wait: async (ms) => {
        now += ms;
        return true;
      },
      elapsed: () => now,
    });
    expect(session).toBe("session");
    expect(shown).toEqual(["1:1", "2:2", "2:1", "3:4", "3:3", "3:2", "3:1"]);
    expect(now).toBe(7000);
  });

  it("stops when cancelled or after giving up", async () => {
    const cancelled = await rejoin({
      attempt: async () => "never",
      countdown: () => {},
      wait: async () => false,
      elapsed: () => 0,
    });
    expect(cancelled).toBeNull();
    let now = 0;
    const gaveUp = await rejoin<string>({
      attempt: async () => Promise.reject(new Error("down")),
      countdown: () => {},
      wait: async (ms) => ((now += ms), true),
      elapsed: () => now,
    });
    expect(gaveUp).toBeNull();
    expect(now).toBeGreaterThanOrEqual(REJOIN_GIVE_UP_MS);
  });
});
