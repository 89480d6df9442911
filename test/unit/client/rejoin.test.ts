import { describe, expect, it } from "vitest";
import {
  connectingText,
  rejoin,
  REJOIN_ATTEMPT_TIMEOUT_MS,
  rejoinDelayMs,
  REJOIN_GIVE_UP_MS,
  shouldRejoin,
} from "../../../client/src/net/rejoin.ts";

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

  it("says it is connecting while an attempt is in flight, not the last second of the countdown", async () => {
    const shown: string[] = [];
    let tries = 0;
    await rejoin({
      attempt: async () => {
        tries += 1;
        shown.push(`attempt ${tries} started`);
        if (tries < 2) throw new Error("down");
        return "session";
      },
      countdown: (left, attempt) => shown.push(`${attempt}:${left}`),
      connecting: (attempt) => shown.push(connectingText(attempt)),
      wait: async () => true,
      elapsed: () => 0,
    });
    expect(shown).toEqual([
      "1:1",
      "Connecting… (attempt 1)",
      "attempt 1 started",
      "2:2",
      "2:1",
      "Connecting… (attempt 2)",
      "attempt 2 started",
    ]);
  });

  it("gives up on an attempt that hangs, tries again, and disposes what the hung one delivers late", async () => {
    expect(REJOIN_ATTEMPT_TIMEOUT_MS).toBeLessThanOrEqual(10_000);
    const late: Array<{ id: number; disposed: boolean }> = [];
    interface FakeSession {
      id: number;
      disposed: boolean;
      dispose(): void;
    }
    let finishHung: ((session: FakeSession) => void) | null = null;
    const make = (id: number): FakeSession => {
      const session: FakeSession = {
        id,
        disposed: false,
        dispose() {
          session.disposed = true;
        },
      };
      late.push(session);
      return session;
    };
    let tries = 0;
    const started = Date.now();
    const session = await rejoin<FakeSession>({
      attempt: () => {
        tries += 1;
        // The first attempt never answers (a connection that hangs); the second works.
        if (tries === 1) return new Promise((resolve) => (finishHung = resolve));
        return Promise.resolve(make(2));
      },
      countdown: () => {},
      wait: async () => true,
      elapsed: () => Date.now() - started,
      attemptTimeoutMs: 50,
    });
    expect(tries).toBe(2);
    expect(session?.id).toBe(2);
    // The hung attempt answers after all: its seat is released, not kept as a ghost.
    finishHung!(make(1));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(late.find((s) => s.id === 1)?.disposed).toBe(true);
    expect(session?.disposed).toBe(false);
  });
});
