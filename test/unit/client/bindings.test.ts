import { describe, expect, it } from "vitest";
import {
  actionKeysLabel,
  actionOf,
  BINDINGS_KEY,
  controlsHint,
  DEFAULT_BINDINGS,
  keyName,
  loadBindings,
  movementHint,
  watchingHint,
  parseBindings,
  rebind,
  saveBindings,
  type Bindings,
} from "../../../client/src/input/bindings.ts";
import { HeldKeys } from "../../../client/src/input/held-keys.ts";

/** A localStorage stand-in. */
function memory(initial: Record<string, string> = {}): Storage & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
    clear: () => data.clear(),
    key: () => null,
    get length() {
      return data.size;
    },
  };
}

describe("keyName", () => {
  it("names keys as they type, letters upper-cased, the space bar as Space", () => {
    expect(keyName({ key: "w" })).toBe("W");
    expect(keyName({ key: "W" })).toBe("W");
    expect(keyName({ key: " " })).toBe("Space");
    expect(keyName({ key: "ArrowUp" })).toBe("ArrowUp");
    expect(keyName({ key: "Tab" })).toBe("Tab");
    expect(keyName({ key: "é" })).toBe("É");
    expect(keyName({ key: "Dead" })).toBeNull();
    expect(keyName({ key: "Unidentified" })).toBeNull();
  });
});

describe("rebind", () => {
  it("makes the key the action's main key and keeps its second key", () => {
    const b = rebind(DEFAULT_BINDINGS, "up", "I");
    expect(b.up).toEqual(["I", "ArrowUp"]);
    expect(b.down).toEqual(DEFAULT_BINDINGS.down);
    expect(actionOf(b, "W")).toBeNull();
    expect(actionOf(b, "I")).toBe("up");
  });

  it("takes the key away from the action that had it", () => {
    const b = rebind(DEFAULT_BINDINGS, "fire", "W");
    expect(b.fire).toEqual(["W"]);
    expect(b.up).toEqual(["ArrowUp"]);
    const c = rebind(b, "mute", "ArrowUp");
    expect(c.mute).toEqual(["ArrowUp"]);
    expect(c.up).toEqual([]);
  });

  it("refuses the keys the game keeps (Esc, Enter, F3)", () => {
    for (const key of ["Escape", "Enter", "F3"]) expect(rebind(DEFAULT_BINDINGS, "fire", key)).toBe(DEFAULT_BINDINGS);
  });

  it("binding an action's own second key makes it the only key", () => {
    expect(rebind(DEFAULT_BINDINGS, "left", "ArrowLeft").left).toEqual(["ArrowLeft"]);
  });
});

describe("loadBindings / saveBindings", () => {
  it("gives the defaults when nothing is stored", () => {
    expect(loadBindings(memory())).toEqual(DEFAULT_BINDINGS);
    expect(loadBindings(undefined)).toEqual(DEFAULT_BINDINGS);
  });

  it("remembers rebound keys", () => {
    const storage = memory();
    const b = rebind(rebind(DEFAULT_BINDINGS, "right", "L"), "scores", "Q");
    saveBindings(b, storage);
    expect(JSON.parse(storage.data.get(BINDINGS_KEY)!)).toEqual(b);
    expect(loadBindings(storage)).toEqual(b);
  });

  it("falls back to the defaults for anything unreadable or inconsistent", () => {
    const bad = [
      "not json",
      "null",
      "[]",
      JSON.stringify({ ...DEFAULT_BINDINGS, up: "W" }),
      JSON.stringify({ ...DEFAULT_BINDINGS, fire: ["Enter"] }),
      JSON.stringify({ ...DEFAULT_BINDINGS, fire: ["W"] }),
      JSON.stringify({ ...DEFAULT_BINDINGS, mute: [42] }),
      JSON.stringify({ ...DEFAULT_BINDINGS, mute: ["M", "N", "O"] }),
      JSON.stringify({ up: ["W"] }),
    ];
    for (const raw of bad) expect(loadBindings(memory({ [BINDINGS_KEY]: raw })), raw).toEqual(DEFAULT_BINDINGS);
    expect(parseBindings({ ...DEFAULT_BINDINGS, mute: [] })).toEqual({ ...DEFAULT_BINDINGS, mute: [] });
  });

  it("survives storage that throws", () => {
    const throwing = {
      getItem: () => {
        throw new Error("blocked");
      },
      setItem: () => {
        throw new Error("blocked");
      },
    };
    expect(loadBindings(throwing)).toEqual(DEFAULT_BINDINGS);
    expect(() => saveBindings(DEFAULT_BINDINGS, throwing)).not.toThrow();
  });
});

describe("labels and the HUD hint", () => {
  it("describes the default keys as the HUD always did, plus the sound key", () => {
    expect(controlsHint(DEFAULT_BINDINGS)).toBe(
      "WASD / arrows: move   ·   mouse: aim   ·   click / Space: fire   ·   Tab: scores   ·   M: sound   ·   Esc: leave",
    );
    expect(actionKeysLabel(DEFAULT_BINDINGS, "up")).toBe("W / ↑");
  });

  it("shows rebound keys", () => {
    let b: Bindings = DEFAULT_BINDINGS;
    for (const [a, k] of [
      ["up", "I"],
      ["left", "J"],
      ["down", "K"],
      ["right", "L"],
      ["fire", "F"],
    ] as const)
      b = rebind(b, a, k);
    expect(controlsHint(b)).toMatch(/^IJKL \/ arrows: move .* click \/ F: fire/);
    b = rebind(b, "fire", "ArrowUp");
    expect(controlsHint(b)).toMatch(/^IJKL: move .* click \/ ↑: fire/);
    expect(actionKeysLabel(b, "up")).toBe("I");
    expect(actionKeysLabel(rebind(b, "mute", "I"), "up")).toBe("—");
  });

  it("names each movement key with its direction unless they form a familiar cluster", () => {
    // QA's case: up I, left D, down S, right → read as "I D S →" before.
    let b: Bindings = DEFAULT_BINDINGS;
    for (const [a, k] of [
      ["up", "I"],
      ["left", "D"],
      ["right", "ArrowRight"],
    ] as const)
      b = rebind(b, a, k);
    expect(movementHint(b)).toBe("move: I up, S down, D left, → right");
    expect(controlsHint(b)).toMatch(/^move: I up, S down, D left, → right {3}· {3}mouse: aim/);
    // Only W rebound to... W: the arrows stay as second keys.
    const jl = rebind(rebind(DEFAULT_BINDINGS, "left", "J"), "right", "L");
    expect(movementHint(jl)).toBe("move: W up, S down, J left, L right (or arrows)");
    // Familiar clusters stay one word: ZQSD (AZERTY), ESDF, IJKL.
    const zqsd = rebind(rebind(DEFAULT_BINDINGS, "up", "Z"), "left", "Q");
    expect(movementHint(zqsd)).toBe("ZQSD / arrows: move");
    expect(movementHint(DEFAULT_BINDINGS)).toBe("WASD / arrows: move");
    // An action left without a key shows a dash.
    const noUp = rebind(rebind(DEFAULT_BINDINGS, "fire", "W"), "fire", "ArrowUp");
    expect(movementHint(noUp)).toBe("move: — up, S down, A left, D right");
  });

  it("gives a spectator the fire keys (the mouse button too) for the next pilot, no movement", () => {
    expect(watchingHint(DEFAULT_BINDINGS)).toBe(
      "click / Space: next pilot   ·   Tab: scores   ·   M: sound   ·   Esc: leave",
    );
    expect(watchingHint(rebind(DEFAULT_BINDINGS, "fire", "F"))).toMatch(/^click \/ F: next pilot/);
    expect(watchingHint(DEFAULT_BINDINGS)).not.toMatch(/move|aim/);
  });
});

/** A key event as the window dispatches it. */
function key(type: "keydown" | "keyup", k: string, code: string, repeat = false): Event {
  const event = new Event(type, { cancelable: true });
  Object.assign(event, { key: k, code, repeat });
  return event;
}

describe("HeldKeys", () => {
  it("tracks held actions through the bindings, and reports presses and releases", () => {
    const target = new EventTarget() as unknown as Window;
    const events: string[] = [];
    const keys = new HeldKeys(target, rebind(DEFAULT_BINDINGS, "right", "L"), {
      onPress: (a) => events.push(`+${a}`),
      onRelease: (a) => events.push(`-${a}`),
    });
    target.dispatchEvent(key("keydown", "l", "KeyL"));
    expect(keys.isDown("right")).toBe(true);
    target.dispatchEvent(key("keydown", "l", "KeyL", true));
    // D is no longer bound: holding it moves nothing.
    target.dispatchEvent(key("keydown", "d", "KeyD"));
    expect(keys.isDown("left")).toBe(false);
    // Released with Shift held: still the same key.
    target.dispatchEvent(key("keyup", "L", "KeyL"));
    expect(keys.isDown("right")).toBe(false);
    expect(events).toEqual(["+right", "-right"]);
    keys.destroy();
  });

  it("keeps the scoreboard key from moving the focus, and lets go of everything on blur", () => {
    const target = new EventTarget() as unknown as Window;
    const events: string[] = [];
    const keys = new HeldKeys(target, DEFAULT_BINDINGS, { onRelease: (a) => events.push(`-${a}`) });
    const tab = key("keydown", "Tab", "Tab");
    target.dispatchEvent(tab);
    expect(tab.defaultPrevented).toBe(true);
    const w = key("keydown", "w", "KeyW");
    target.dispatchEvent(w);
    expect(w.defaultPrevented).toBe(false);
    target.dispatchEvent(key("keydown", "ArrowUp", "ArrowUp"));
    expect(keys.isDown("up")).toBe(true);
    target.dispatchEvent(key("keyup", "w", "KeyW"));
    // The arrow still holds "up".
    expect(keys.isDown("up")).toBe(true);
    target.dispatchEvent(new Event("blur"));
    expect(keys.isDown("up")).toBe(false);
    expect(keys.isDown("scores")).toBe(false);
    expect(events.sort()).toEqual(["-scores", "-up"]);
    keys.destroy();
  });
});
