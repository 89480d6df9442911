/**
 * The menu's key settings: a "Keys" button beside the sound switch opens a panel listing each
 * action (move up/left/down/right, fire, scores, sound) with its keys. Click an action, press
 * its new key: it becomes that action's main key (Esc cancels; Enter and F3 stay the chat's and
 * the netcode overlay's). Remembered in this browser (input/bindings.ts). Not shown on touch
 * screens, which have no keyboard.
 */
import {
  ACTION_LABELS,
  ACTIONS,
  actionKeysLabel,
  currentBindings,
  DEFAULT_BINDINGS,
  isBindable,
  keyName,
  rebind,
  setCurrentBindings,
  type Action,
} from "../input/bindings.ts";

/** The panel inside the menu form (the button goes into the sound row). */
export const KEY_SETTINGS_HTML = `
  <div id="key-settings" class="key-settings" data-testid="key-settings" hidden>
    <ul class="key-list"></ul>
    <div class="row key-footer">
      <p id="key-note" class="key-note" role="status">Click an action, then press its new key.</p>
      <button id="keys-reset" type="button">Reset</button>
    </div>
  </div>`;

const STYLE_ID = "key-settings-style";
const STYLE = `
.menu-form .sound-settings #keys-toggle { min-width: 0; }
.menu-form .key-settings { display: flex; flex-direction: column; gap: 6px; }
.menu-form .key-settings[hidden] { display: none; }
.menu-form .key-list { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 12px; margin: 0; padding: 0; list-style: none; }
.menu-form .key-list li { display: flex; align-items: center; justify-content: space-between; gap: 8px; font-size: 13px; color: #c4cde0; }
.menu-form .key-settings button { padding: 4px 10px; min-width: 64px; font-size: 13px; font-weight: 700; color: #e8eefc;
  background: #1b2640; border: 1px solid #34446a; }
.menu-form .key-settings button[aria-pressed="true"] { border-color: #3ef0b4; color: #3ef0b4; }
.menu-form .key-footer { align-items: center; justify-content: space-between; }
.menu-form .key-note { margin: 0; font-size: 12px; color: #8d9bb8; }
.menu-form .key-note.error { color: #ff7b6e; }`;

/** Element lookup of the menu's DOM form (Phaser's `DOMElement.getChildByID`). */
interface FormRoot {
  getChildByID(id: string): Element | null;
}

/**
 * Wires the panel (and adds its toggle to the sound row); `touch` hides it; `onResize` runs
 * when the panel opens or closes (the menu lays the form out again). Returns the function that
 * unhooks it.
 */
export function bindKeySettings(form: FormRoot, touch: boolean, onResize: () => void = () => undefined): () => void {
  if (document.getElementById(STYLE_ID) === null) {
    const style = document.createElement("style");
    style.id = STYLE_ID;
    style.textContent = STYLE;
    document.head.append(style);
  }
  const panel = form.getChildByID("key-settings") as HTMLElement;
  const list = panel.querySelector(".key-list") as HTMLUListElement;
  const note = form.getChildByID("key-note") as HTMLElement;
  const reset = form.getChildByID("keys-reset") as HTMLButtonElement;
  const soundRow = form.getChildByID("mute")?.parentElement;
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.id = "keys-toggle";
  toggle.textContent = "Keys";
  toggle.title = "Rebind the keys";
  toggle.dataset["testid"] = "keys-toggle";
  toggle.setAttribute("aria-expanded", "false");
  toggle.setAttribute("aria-controls", "key-settings");
  if (!touch) soundRow?.append(toggle);

  let waiting: Action | null = null;
  const buttons = new Map<Action, HTMLButtonElement>();
  for (const action of ACTIONS) {
    const li = document.createElement("li");
    const label = document.createElement("span");
    label.textContent = ACTION_LABELS[action];
    const button = document.createElement("button");
    button.type = "button";
    button.dataset["action"] = action;
    button.dataset["testid"] = `bind-${action}`;
    button.setAttribute("aria-label", `${ACTION_LABELS[action]}: change key`);
    button.addEventListener("click", () => listen(action));
    buttons.set(action, button);
    li.append(label, button);
    list.append(li);
  }

  const say = (text: string, error = false): void => {
    note.textContent = text;
    note.className = error ? "key-note error" : "key-note";
  };
  const show = (): void => {
    const bindings = currentBindings();
    for (const [action, button] of buttons) {
      const listening = action === waiting;
      button.textContent = listening ? "Press a key…" : actionKeysLabel(bindings, action);
      button.setAttribute("aria-pressed", String(listening));
    }
  };
  const listen = (action: Action): void => {
    waiting = action;
    say(`Press the new key for “${ACTION_LABELS[action]}” (Esc cancels).`);
    show();
  };
  // Keys pressed while waiting go to the panel only (capture phase: before the game's keys).
  const onKey = (event: KeyboardEvent): void => {
    if (waiting === null) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const action = waiting;
    if (event.key === "Escape") {
      waiting = null;
      say("Click an action, then press its new key.");
      return show();
    }
    const name = keyName(event);
    if (name === null || !isBindable(name)) {
      say(`${name ?? "That key"} is kept for the game (Enter: chat, Esc: leave, F3: overlay). Try another.`, true);
      return;
    }
    waiting = null;
    setCurrentBindings(rebind(currentBindings(), action, name));
    say(`${ACTION_LABELS[action]}: ${actionKeysLabel(currentBindings(), action)}.`);
    show();
  };
  window.addEventListener("keydown", onKey, { capture: true });
  toggle.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    toggle.setAttribute("aria-expanded", String(!panel.hidden));
    if (panel.hidden) waiting = null;
    show();
    onResize();
  });
  reset.addEventListener("click", () => {
    waiting = null;
    setCurrentBindings(DEFAULT_BINDINGS);
    say("Back to the default keys.");
    show();
  });
  show();
  return () => {
    window.removeEventListener("keydown", onKey, { capture: true });
    toggle.remove();
  };
}
