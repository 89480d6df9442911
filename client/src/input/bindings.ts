/**
 * Key bindings, remembered in this browser (localStorage, like the sound settings): which keys
 * move, fire, hold the scoreboard and mute. Engine-free, so it is tested without a browser.
 *
 * Keys are named by what the key types (`KeyboardEvent.key`: letters upper-cased, " " as
 * "Space"), as the game always read them: on an AZERTY keyboard "W" is the key labelled W.
 * Each action has a primary key, which the menu rebinds, and may keep a second one (the arrows
 * for moving). A key belongs to one action at most: binding it elsewhere takes it away.
 * Escape (leave, cancel), Enter (chat) and F3 (netcode overlay) cannot be bound.
 */

/** What a key can be bound to. */
export type Action = "up" | "down" | "left" | "right" | "fire" | "scores" | "mute";

/** Every action, in the order the settings list them. */
export const ACTIONS: readonly Action[] = ["up", "down", "left", "right", "fire", "scores", "mute"];

/** How the settings name each action. */
export const ACTION_LABELS: Readonly<Record<Action, string>> = {
  up: "Move up",
  down: "Move down",
  left: "Move left",
  right: "Move right",
  fire: "Fire",
  scores: "Scores (hold)",
  mute: "Sound on/off",
};

/** The keys of each action, primary first. */
export type Bindings = Readonly<Record<Action, readonly string[]>>;

export const DEFAULT_BINDINGS: Bindings = {
  up: ["W", "ArrowUp"],
  down: ["S", "ArrowDown"],
  left: ["A", "ArrowLeft"],
  right: ["D", "ArrowRight"],
  fire: ["Space"],
  scores: ["Tab"],
  mute: ["M"],
};

/** Keys the game keeps for itself. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(["Escape", "Enter", "F3"]);

/** localStorage key. */
export const BINDINGS_KEY = "tickArena.keys";

/** At most this many keys per action. */
const MAX_KEYS = 2;
/** A key name as stored: a key value such as "W", "ArrowUp", "Space", "Shift", "/" or "F5". */
const KEY_NAME = /^(?:[^\s]|[A-Z][A-Za-z0-9]{1,20})$/u;

/** The storage the bindings live in (localStorage, or a stand-in in tests). */
export type BindingsStorage = Pick<Storage, "getItem" | "setItem">;

/**
 * The name of the key an event is for: its `key`, single characters upper-cased, the space bar
 * as "Space"; null for keys that type nothing nameable ("Unidentified", "Dead", "Process").
 */
export function keyName(event: Pick<KeyboardEvent, "key">): string | null {
  const { key } = event;
  if (key === " " || key === "Spacebar") return "Space";
  if ([...key].length === 1) return key.toUpperCase();
  if (key === "Unidentified" || key === "Dead" || key === "Process" || !KEY_NAME.test(key)) return null;
  return key;
}

/** Whether `name` may be bound. */
export function isBindable(name: string): boolean {
  return KEY_NAME.test(name) && !RESERVED_KEYS.has(name);
}

/**
 * `bindings` with `key` as the primary key of `action` (its old primary goes; a second key
 * stays), and taken away from any other action that had it. Unchanged if `key` is reserved.
 */
export function rebind(bindings: Bindings, action: Action, key: string): Bindings {
  if (!isBindable(key)) return bindings;
  const out = {} as Record<Action, readonly string[]>;
  for (const a of ACTIONS) {
    const keys = bindings[a];
    out[a] = a === action ? [key, ...keys.slice(1).filter((k) => k !== key)] : keys.filter((k) => k !== key);
  }
  return out;
}

/** The action `key` is bound to, or null. */
export function actionOf(bindings: Bindings, key: string): Action | null {
  for (const a of ACTIONS) if (bindings[a].includes(key)) return a;
  return null;
}

/** Checks stored bindings: every action a list of bindable keys, no key twice. Invalid → null. */
export function parseBindings(raw: unknown): Bindings | null {
  if (typeof raw !== "object" || raw === null) return null;
  const record = raw as Record<string, unknown>;
  const seen = new Set<string>();
  const out = {} as Record<Action, readonly string[]>;
  for (const a of ACTIONS) {
    const keys = record[a];
    if (!Array.isArray(keys) || keys.length > MAX_KEYS) return null;
    for (const k of keys) {
      if (typeof k !== "string" || !isBindable(k) || seen.has(k)) return null;
      seen.add(k);
    }
    out[a] = keys as string[];
  }
  return out;
}

/** The bindings stored in `storage`, or the defaults if there are none or they are invalid. */
export function loadBindings(storage: BindingsStorage | undefined = safeLocalStorage()): Bindings {
  try {
    const raw = storage?.getItem(BINDINGS_KEY);
    if (raw == null) return DEFAULT_BINDINGS;
    return parseBindings(JSON.parse(raw)) ?? DEFAULT_BINDINGS;
  } catch {
    return DEFAULT_BINDINGS;
  }
}

/** Remembers `bindings` (silently skipped where storage is blocked or full). */
export function saveBindings(bindings: Bindings, storage: BindingsStorage | undefined = safeLocalStorage()): void {
  try {
    storage?.setItem(BINDINGS_KEY, JSON.stringify(bindings));
  } catch {
    // Private mode or storage disabled: the bindings last until the page closes.
  }
}

/** This page's bindings (read from storage once; kept here too where storage is blocked). */
let current: Bindings | null = null;

/** The bindings in force on this page. */
export function currentBindings(): Bindings {
  current ??= loadBindings();
  return current;
}

/** Puts `bindings` in force on this page and remembers them. */
export function setCurrentBindings(bindings: Bindings): void {
  current = bindings;
  saveBindings(bindings);
}

const ARROWS: Readonly<Record<string, string>> = { ArrowUp: "↑", ArrowDown: "↓", ArrowLeft: "←", ArrowRight: "→" };

/** How a key is shown: "W", "Space", "↑", "Tab"; "—" for no key. */
export function keyLabel(key: string | undefined): string {
  if (key === undefined) return "—";
  return ARROWS[key] ?? key;
}

/** An action's keys for the settings: "W / ↑", "Space", "—". */
export function actionKeysLabel(bindings: Bindings, action: Action): string {
  const keys = bindings[action];
  return keys.length === 0 ? "—" : keys.map(keyLabel).join(" / ");
}

/**
 * Movement keys that form a cluster everyone reads as up-left-down-right (WASD; ZQSD on AZERTY;
 * ESDF; IJKL): shown as one word, like "WASD".
 */
const MOVE_CLUSTERS: ReadonlySet<string> = new Set(["WASD", "ZQSD", "ESDF", "IJKL"]);

/**
 * The movement keys for the hint: "WASD / arrows" for a familiar cluster (the arrows as the
 * second keys), else each key with its direction, in the settings' order: "I up, S down,
 * D left, → right".
 */
export function movementHint(bindings: Bindings): string {
  const order: Action[] = ["up", "left", "down", "right"];
  const arrows = order.every((a, i) => bindings[a][1] === ["ArrowUp", "ArrowLeft", "ArrowDown", "ArrowRight"][i]);
  const word = order.map((a) => bindings[a][0] ?? "").join("");
  if (MOVE_CLUSTERS.has(word)) return `${word}${arrows ? " / arrows" : ""}: move`;
  const directions: ReadonlyArray<[Action, string]> = [
    ["up", "up"],
    ["down", "down"],
    ["left", "left"],
    ["right", "right"],
  ];
  const keys = directions.map(([a, label]) => `${keyLabel(bindings[a][0])} ${label}`).join(", ");
  return `move: ${keys}${arrows ? " (or arrows)" : ""}`;
}

/** "click / Space": the mouse button and the fire key. */
/** What fires (and, for a spectator, follows the next pilot): "click / Space". */
export function fireKeys(bindings: Bindings): string {
  return `click${bindings.fire[0] ? ` / ${keyLabel(bindings.fire[0])}` : ""}`;
}

/**
 * The HUD's controls hint for `bindings`, e.g. "WASD / arrows: move · mouse: aim · click /
 * Space: fire · Tab: scores · M: sound · Esc: leave".
 */
export function controlsHint(bindings: Bindings): string {
  const parts = [movementHint(bindings), "mouse: aim", `${fireKeys(bindings)}: fire`];
  if (bindings.scores[0]) parts.push(`${keyLabel(bindings.scores[0])}: scores`);
  if (bindings.mute[0]) parts.push(`${keyLabel(bindings.mute[0])}: sound`);
  parts.push("Esc: leave");
  return parts.join("   ·   ");
}

/**
 * A spectator's hint: the fire keys (mouse button included) follow the next pilot, e.g.
 * "click / Space: next pilot · Tab: scores · M: sound · Esc: leave".
 */
export function watchingHint(bindings: Bindings): string {
  const parts = [`${fireKeys(bindings)}: next pilot`];
  if (bindings.scores[0]) parts.push(`${keyLabel(bindings.scores[0])}: scores`);
  if (bindings.mute[0]) parts.push(`${keyLabel(bindings.mute[0])}: sound`);
  parts.push("Esc: leave");
  return parts.join("   ·   ");
}

function safeLocalStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}
