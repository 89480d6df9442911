/**
 * The in-game chat: a DOM panel at the bottom left with the last lines and a text field.
 *
 * Enter opens the field, Enter sends (after the shared chat rule; a refused message shows the
 * reason and is not sent), Escape closes. While the field is open {@link ChatPanel.isTyping}
 * is true, so the game ignores its movement keys. Text is always drawn with `textContent`, so
 * markup in names or messages shows as typed.
 *
 * Keys and pointer presses made inside the panel never reach the game (Phaser listens on the
 * window). A release whose press the game saw (a movement key held while opening the chat, a
 * mouse button pressed over the canvas) is let through, so nothing stays stuck down. While
 * the field is closed the panel lets the pointer through to the game, apart from its hint.
 *
 * The closed log shows the newest lines that fit whole: a line the log's top edge would cut
 * is hidden (the open log scrolls, and shows every line).
 */
import { CHAT_MAX_CODE_UNITS, checkChatText, type ChatLine } from "../../../shared/chat.ts";
import type { LiveEvent } from "../../../shared/live.ts";
import { colorOfPlayer, cssColor, UI, UI_FONT } from "../render/palette.ts";

/** Lines kept on screen. */
export const CHAT_PANEL_MAX_LINES = 50;

const STYLE_ID = "chat-panel-style";
const NEAR_BOTTOM_PX = 24;

export interface ChatPanelOptions {
  /** Called with the normalised text of a message that passed the chat rule. */
  onSend(text: string): void;
  /** Your session id. */
  selfId?: string;
  /**
   * Palette index of each pilot by session id (kept up to date by the game): a name is drawn
   * in its ship's colour. Without it, names are drawn in the text colour.
   */
  colors?: ReadonlyMap<string, number>;
}

export class ChatPanel {
  private readonly root: HTMLDivElement;
  private readonly log: HTMLDivElement;
  private readonly form: HTMLFormElement;
  private readonly input: HTMLInputElement;
  private readonly error: HTMLDivElement;
  private readonly hint: HTMLButtonElement;
  private readonly shown = new Set<number>();
  /** Ids of the live-feed lines shown (their own id space). */
  private readonly liveShown = new Set<string>();
  /** Key codes pressed inside the panel: their releases are the panel's too. */
  private readonly keysInside = new Set<string>();
  /** Mouse buttons / touches pressed inside the panel. */
  private pressedInside = false;
  private typing = false;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    parent: HTMLElement,
    private readonly options: ChatPanelOptions,
  ) {
    const doc = parent.ownerDocument;
    injectStyle(doc);

    this.root = doc.createElement("div");
    this.root.className = "chat-panel";
    this.root.dataset["testid"] = "chat-panel";

    this.log = doc.createElement("div");
    this.log.className = "chat-log";
    this.log.setAttribute("role", "log");
    this.log.setAttribute("aria-live", "polite");
    this.log.setAttribute("aria-label", "Chat");

    this.form = doc.createElement("form");
    this.form.className = "chat-form";
    this.form.hidden = true;
    this.form.noValidate = true;

    this.input = doc.createElement("input");
    this.input.type = "text";
    this.input.className = "chat-input";
    this.input.dataset["testid"] = "chat-input";
    this.input.maxLength = CHAT_MAX_CODE_UNITS;
    this.input.autocomplete = "off";
    this.input.spellcheck = true;
    this.input.enterKeyHint = "send";
    this.input.placeholder = "Say something… (Enter to send, Esc to close)";
    this.input.setAttribute("aria-label", "Chat message");

    this.error = doc.createElement("div");
    this.error.className = "chat-error";
    this.error.setAttribute("role", "alert");
    this.error.hidden = true;

    this.hint = doc.createElement("button");
    this.hint.type = "button";
    this.hint.className = "chat-hint";
    this.hint.textContent = "Enter to chat";

    this.form.append(this.input, this.error);
    this.root.append(this.log, this.form, this.hint);
    parent.append(this.root);

    this.listen(this.form, "submit", (event) => {
      event.preventDefault();
      this.send();
    });
    this.listen(this.input, "keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.close(true);
      } else if (event.key === "Tab") {
        // Tab is the game's scoreboard key: it must not move focus out of the field.
        event.preventDefault();
      }
    });
    this.listen(this.input, "input", () => this.showError(""));
    // Clicking back into the game closes the field (the draft is kept for next time).
    this.listen(this.input, "blur", () => this.close(false));
    this.listen(this.hint, "click", () => this.focus());
    // Scrolling the open log keeps the caret in the field.
    this.listen(this.log, "mousedown", (event) => event.preventDefault());

    // Keys typed in the panel stay in the panel.
    this.listen(this.root, "keydown", (event) => {
      event.stopPropagation();
      if (event.repeat && !this.keysInside.has(event.code)) {
        // Auto-repeat of a key held down in the game before the field opened: not typing, and
        // its release still belongs to the game.
        event.preventDefault();
        return;
      }
      this.keysInside.add(event.code);
    });
    this.listen(this.root, "keyup", (event) => {
      if (this.keysInside.delete(event.code)) event.stopPropagation();
    });
    // Presses in the panel stay in the panel; a release whose press began there too.
    for (const type of ["mousedown", "pointerdown", "touchstart"] as const) {
      this.listen(this.root, type, (event) => {
        this.pressedInside = true;
        event.stopPropagation();
      });
    }
    for (const type of ["mouseup", "pointerup", "touchend", "touchcancel"] as const) {
      this.listen(this.root, type, (event) => {
        if (this.pressedInside) event.stopPropagation();
        if (type !== "pointerup") this.pressedInside = false;
      });
    }
    for (const type of ["click", "dblclick", "contextmenu", "wheel"] as const) {
      this.listen(this.root, type, (event) => event.stopPropagation());
    }
    // A press that began in the panel and ended outside it.
    const view = doc.defaultView;
    if (view !== null) {
      this.listen(view, "mouseup", () => (this.pressedInside = false));
      this.listen(view, "touchend", () => (this.pressedInside = false));
      // The log's height follows the window's (vh): other lines fit whole.
      this.listen(view, "resize", () => this.hideCutLines());
      // Enter anywhere in the game opens the field.
      this.listen(view, "keydown", (event) => {
        if (event.key !== "Enter" || event.repeat || this.typing || event.defaultPrevented) return;
        if (event.altKey || event.ctrlKey || event.metaKey || isEditable(event.target)) return;
        event.preventDefault();
        this.focus();
      });
    }
  }

  /** Shows a line at the bottom (a line whose id is already shown is ignored). */
  add(line: ChatLine): void {
    if (this.shown.has(line.id)) return;
    const doc = this.root.ownerDocument;
    const stick = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight <= NEAR_BOTTOM_PX;

    const row = doc.createElement("div");
    row.className = `chat-line chat-${line.kind}`;
    row.dataset["testid"] = "chat-line";
    row.dataset["kind"] = line.kind;
    row.dataset["id"] = String(line.id);
    row.title = new Date(line.at).toLocaleTimeString();
    if (line.kind === "player" && line.name !== undefined) {
      const name = doc.createElement("bdi");
      name.className = "chat-name";
      name.textContent = line.name;
      if (line.fromId !== undefined && this.options.colors !== undefined) {
        name.style.color = cssColor(colorOfPlayer(this.options.colors, line.fromId));
      }
      row.append(name, doc.createTextNode(": "));
    }
    const text = doc.createElement("bdi");
    text.className = "chat-text";
    text.textContent = line.text;
    row.append(text);

    this.shown.add(line.id);
    this.append(row, stick);
  }

  /**
   * Shows a server-wide live event (a match won elsewhere, an announcement) as a system line
   * marked "Live" (an event already shown is ignored).
   */
  addLive(event: LiveEvent): void {
    if (this.liveShown.has(event.id)) return;
    const doc = this.root.ownerDocument;
    const stick = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight <= NEAR_BOTTOM_PX;
    const row = doc.createElement("div");
    row.className = `chat-line chat-system chat-live`;
    row.dataset["testid"] = "chat-line";
    row.dataset["kind"] = "live";
    row.dataset["liveKind"] = event.kind;
    row.dataset["liveId"] = event.id;
    row.title = new Date(event.at).toLocaleTimeString();
    const tag = doc.createElement("span");
    tag.className = "chat-live-tag";
    tag.textContent = "Live";
    const text = doc.createElement("bdi");
    text.className = "chat-text";
    text.textContent = event.text;
    row.append(tag, doc.createTextNode(" "), text);
    this.liveShown.add(event.id);
    this.append(row, stick);
  }

  /** Appends a line, drops the oldest beyond the limit, and keeps the newest in view. */
  private append(row: HTMLElement, stick: boolean): void {
    this.log.append(row);
    while (this.log.childElementCount > CHAT_PANEL_MAX_LINES) {
      const first = this.log.firstElementChild as HTMLElement | null;
      if (first === null) break;
      const liveId = first.dataset["liveId"];
      if (liveId !== undefined) this.liveShown.delete(liveId);
      else this.shown.delete(Number(first.dataset["id"]));
      first.remove();
    }
    if (stick || !this.typing) this.log.scrollTop = this.log.scrollHeight;
    this.hideCutLines();
  }

  /**
   * The closed log scrolled to its end: hides the lines whose top the log's top edge cuts
   * (only whole lines show); the open log shows them all.
   */
  private hideCutLines(): void {
    const lines = this.log.children;
    if (this.typing) {
      for (const line of lines) line.classList.remove("chat-cut");
      return;
    }
    this.log.scrollTop = this.log.scrollHeight;
    // Positions in the log's own coordinates (offsetTop ignores the panel's scale transform).
    const visibleTop = this.log.scrollTop;
    const origin = (lines[0] as HTMLElement | undefined)?.offsetTop ?? 0;
    for (const line of lines) {
      const el = line as HTMLElement;
      el.classList.toggle("chat-cut", el.offsetTop - origin < visibleTop - 0.5);
    }
  }

  /** Removes every line (e.g. on joining another room). */
  clear(): void {
    this.log.replaceChildren();
    this.shown.clear();
    this.liveShown.clear();
  }

  /** Opens the field and puts the caret in it. */
  focus(): void {
    if (!this.typing) this.keysInside.clear();
    this.typing = true;
    this.form.hidden = false;
    this.hint.hidden = true;
    this.root.classList.add("open");
    this.hideCutLines();
    this.input.focus();
  }

  /** True while the field is open: the game should ignore its keys. */
  isTyping(): boolean {
    return this.typing;
  }

  /** Changes the closed panel's button text ("Enter to chat"; "Tap to chat" on a phone). */
  setHintText(text: string): void {
    this.hint.textContent = text;
  }

  /** The element on screen (the HUD test hook reports its box). */
  get element(): HTMLElement {
    return this.root;
  }

  /** Removes the panel and every listener it added. */
  destroy(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.typing = false;
    this.root.remove();
  }

  private send(): void {
    const raw = this.input.value;
    const check = checkChatText(raw);
    if (!check.ok) {
      // Enter on an empty field just closes it.
      if (raw.trim() === "") this.close(true);
      else this.showError(sentence(check.reason));
      return;
    }
    this.options.onSend(check.text);
    this.close(true);
  }

  private close(discard: boolean): void {
    if (discard) this.input.value = "";
    this.showError("");
    if (!this.typing) return;
    this.typing = false;
    // Keys still held go back to the game: their releases must reach it.
    this.keysInside.clear();
    this.form.hidden = true;
    this.hint.hidden = false;
    this.root.classList.remove("open");
    this.hideCutLines();
    if (this.root.ownerDocument.activeElement === this.input) this.input.blur();
  }

  private showError(message: string): void {
    this.error.textContent = message;
    this.error.hidden = message === "";
  }

  private listen<K extends keyof HTMLElementEventMap>(
    target: HTMLElement | Window,
    type: K,
    handler: (event: HTMLElementEventMap[K]) => void,
  ): void {
    const listener = handler as EventListener;
    target.addEventListener(type, listener);
    this.cleanups.push(() => target.removeEventListener(type, listener));
  }
}

/** "message is empty" → "Message is empty." */
function sentence(reason: string): string {
  return `${reason.charAt(0).toUpperCase()}${reason.slice(1)}.`;
}

function isEditable(target: EventTarget | null): boolean {
  if (target === null || !("tagName" in target)) return false;
  const el = target as HTMLElement;
  return el.isContentEditable || el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT";
}

function injectStyle(doc: Document): void {
  if (doc.getElementById(STYLE_ID) !== null) return;
  const style = doc.createElement("style");
  style.id = STYLE_ID;
  style.textContent = `
.chat-panel {
  position: fixed;
  left: 12px;
  bottom: 12px;
  z-index: 10;
  /* Larger on big screens (render/hud-layout.ts domScale). */
  transform: scale(var(--hud-dom-scale, 1));
  transform-origin: left bottom;
  box-sizing: border-box;
  width: 360px;
  max-width: calc(100vw - 24px);
  display: flex;
  flex-direction: column;
  gap: 6px;
  font-family: ${UI_FONT};
  font-size: 14px;
  line-height: 1.35;
  color: ${UI.text};
  pointer-events: none;
}
.chat-panel .chat-log {
  max-height: min(190px, 28vh);
  overflow-x: hidden;
  overflow-y: hidden;
  display: flex;
  flex-direction: column;
  gap: 2px;
  scrollbar-width: thin;
}
.chat-panel.open .chat-log {
  overflow-y: auto;
  pointer-events: auto;
  padding: 6px 8px;
  background: rgba(13, 19, 34, 0.72);
  border-radius: 8px;
}
.chat-panel .chat-line {
  flex: none;
  max-width: 100%;
  overflow: hidden;
  padding: 1px 6px;
  border-radius: 4px;
  background: rgba(7, 10, 18, 0.55);
  overflow-wrap: anywhere;
  white-space: pre-wrap;
  align-self: flex-start;
}
/* A line the closed log's top edge would cut in half: hidden (render/hud-layout.ts chatArea). */
.chat-panel:not(.open) .chat-line.chat-cut {
  visibility: hidden;
}
.chat-panel .chat-name {
  font-weight: 700;
}
.chat-panel .chat-system {
  font-style: italic;
  color: ${UI.textDim};
}
.chat-panel .chat-live {
  font-style: normal;
  color: ${UI.text};
  border-left: 2px solid ${UI.accent};
}
.chat-panel .chat-live-tag {
  font-size: 10px;
  font-weight: 800;
  letter-spacing: 0.1em;
  text-transform: uppercase;
  color: ${UI.accent};
}
.chat-panel .chat-notice {
  color: ${UI.warning};
}
.chat-panel .chat-form {
  display: flex;
  flex-direction: column;
  gap: 4px;
  pointer-events: auto;
}
.chat-panel .chat-form[hidden],
.chat-panel .chat-error[hidden],
.chat-panel .chat-hint[hidden] {
  display: none;
}
.chat-panel .chat-input {
  box-sizing: border-box;
  width: 100%;
  padding: 7px 9px;
  font: inherit;
  color: ${UI.text};
  background: rgba(7, 11, 21, 0.9);
  border: 1px solid #34446a;
  border-radius: 6px;
  outline: none;
}
.chat-panel .chat-input:focus {
  border-color: ${UI.accent};
}
.chat-panel .chat-error {
  font-size: 12px;
  color: ${UI.danger};
}
.chat-panel .chat-hint {
  align-self: flex-start;
  padding: 2px 8px;
  font: inherit;
  font-size: 12px;
  color: ${UI.textDim};
  background: rgba(7, 10, 18, 0.45);
  border: 1px solid rgba(44, 58, 88, 0.6);
  border-radius: 6px;
  cursor: pointer;
  pointer-events: auto;
}
@media (max-width: 599px) {
  .chat-panel {
    left: 6px;
    bottom: 6px;
    width: 230px;
    font-size: 12px;
  }
  .chat-panel .chat-log {
    max-height: min(120px, 22vh);
  }
}
/* A phone held sideways: the thumb sticks need the height (render/hud-layout.ts chatArea). */
@media (max-height: 499px) {
  .chat-panel .chat-log {
    max-height: min(70px, 18vh);
  }
}
`;
  doc.head.append(style);
}
