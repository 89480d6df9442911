/** The room-gone check while the SDK resumes a dropped seat (client/src/net/process-watch.ts). */
import { describe, expect, it } from "vitest";
import { ProcessWatch, processListed } from "../../../client/src/net/process-watch.ts";

const health = (...ids: string[]) => ({ status: "ok", processes: ids.map((processId) => ({ processId })) });

describe("processListed", () => {
  it("says whether /healthz lists the process, and null when it lists none", () => {
    expect(processListed(health("a", "b"), "a")).toBe(true);
    expect(processListed(health("b"), "a")).toBe(false);
    expect(processListed({ status: "ok" }, "a")).toBeNull();
    expect(processListed({ processes: [] }, "a")).toBeNull();
    expect(processListed("<html>", "a")).toBeNull();
    expect(processListed(null, "a")).toBeNull();
  });
});

describe("ProcessWatch", () => {
  /** A fetch answering from a script of bodies (or errors), and manual timers. */
  function harness(answers: (unknown | Error)[]) {
    const timers: (() => void)[] = [];
    let calls = 0;
    const watch = new ProcessWatch({
      healthzUrl: "https://game/healthz",
      fetch: async () => {
        const answer = answers[Math.min(calls++, answers.length - 1)];
        if (answer instanceof Error) throw answer;
        return { json: async () => answer } as Response;
      },
      setTimer: (fn) => {
        timers.push(fn);
        return 0 as unknown as ReturnType<typeof setTimeout>;
      },
      clearTimer: () => undefined,
    });
    const flush = () => new Promise((r) => setTimeout(r, 0));
    return { watch, timers, flush, calls: () => calls };
  }

  it("calls onGone once when /healthz answers without the process", async () => {
    const h = harness([health("a"), health("b")]);
    let gone = 0;
    h.watch.start("a", () => gone++);
    await h.flush();
    expect(gone).toBe(0);
    h.timers.shift()?.();
    await h.flush();
    expect(gone).toBe(1);
    expect(h.timers).toHaveLength(0);
  });

  it("keeps asking while the server does not answer (it may be restarting)", async () => {
    const h = harness([new Error("refused"), { error: "bad gateway" }, health("a")]);
    let gone = 0;
    h.watch.start("a", () => gone++);
    for (let i = 0; i < 3; i++) {
      await h.flush();
      h.timers.shift()?.();
    }
    await h.flush();
    expect(gone).toBe(0);
    expect(h.calls()).toBeGreaterThanOrEqual(3);
  });

  it("stops: no call after stop()", async () => {
    const h = harness([health("b")]);
    let gone = 0;
    h.watch.start("a", () => gone++);
    h.watch.stop();
    await h.flush();
    expect(gone).toBe(0);
  });
});
