/**
 * The badge at the top of a match for a private room (its code and a "Copy invite link"
 * button) or for a spectator ("Watching"). DOM, text only (no HTML from the server).
 *
 * The match scene calls `showCode` / `showWatching` on every frame: both leave the DOM alone
 * while nothing changed, so a click (mouse-down and mouse-up on the same element) lands and the
 * "Copied!" feedback or the link shown in its place stays on screen.
 */
import { inviteLink } from "../net/join-target.ts";

const STYLE = `
.room-badge { position: fixed; top: 78px; left: 50%; z-index: 20;
  transform: translateX(-50%) scale(var(--hud-dom-scale, 1)); transform-origin: center top;
  display: flex; gap: 8px; align-items: center; padding: 4px 10px; border-radius: 8px;
  background: rgba(10, 14, 24, 0.78); color: #e6edf7; font: 14px system-ui, sans-serif; pointer-events: auto; }
.room-badge[hidden] { display: none; }
.room-badge code { font: 600 16px ui-monospace, monospace; letter-spacing: 2px; color: #ffd166; }
.room-badge button { font: inherit; padding: 2px 8px; border-radius: 6px; border: 1px solid #44506a;
  background: #1b2333; color: inherit; cursor: pointer; }
.room-badge .invite-link { font: 13px ui-monospace, monospace; width: 24ch; padding: 2px 6px; border-radius: 6px;
  border: 1px solid #44506a; background: #070b15; color: inherit; }
.room-badge .invite-link[hidden] { display: none; }
@media (max-width: 480px) { .room-badge { font-size: 12px; top: 70px; } .room-badge .invite-link { width: 16ch; } }`;

/** The copy button's labels. */
export const COPY_LABEL = "Copy invite link";
export const COPIED_LABEL = "Copied!";
/** Shown when no clipboard can be written: the link is selected in the field beside it. */
export const COPY_BY_HAND_LABEL = "Copy the link:";
/** How long "Copied!" shows before the button reads "Copy invite link" again. */
export const COPIED_MS = 2500;

/** Writes `text` to the clipboard; false where the page may not (no permission, not a secure context). */
export type ClipboardWriter = (text: string) => Promise<boolean>;

/** The browser's asynchronous clipboard (absent outside secure contexts, refused without permission). */
export const browserClipboard: ClipboardWriter = async (text) => {
  try {
    if (globalThis.navigator?.clipboard === undefined) return false;
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
};

export class RoomBadge {
  private readonly root: HTMLDivElement;
  /** What the badge shows now: `code:K7PQ2M`, `watch:<text>`, or "" while hidden. */
  private shown = "";
  private resetTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    parent: HTMLElement,
    private readonly clipboard: ClipboardWriter = browserClipboard,
  ) {
    if (document.getElementById("room-badge-style") === null) {
      const style = document.createElement("style");
      style.id = "room-badge-style";
      style.textContent = STYLE;
      document.head.append(style);
    }
    this.root = document.createElement("div");
    this.root.className = "room-badge";
    this.root.dataset["testid"] = "room-badge";
    this.root.hidden = true;
    parent.append(this.root);
  }

  /**
   * Shows the code of a private room with a button that copies its invite link. Called every
   * frame: the elements are built once per code, never rebuilt while the code stays the same.
   */
  showCode(code: string): void {
    this.root.hidden = false;
    if (this.shown === `code:${code}`) return;
    this.shown = `code:${code}`;
    this.clearTimer();
    const label = document.createElement("span");
    label.textContent = "Room code";
    const value = document.createElement("code");
    value.textContent = code;
    value.dataset["testid"] = "room-code";
    const copy = document.createElement("button");
    copy.type = "button";
    copy.textContent = COPY_LABEL;
    copy.dataset["testid"] = "copy-invite";
    // Where no clipboard can be written: the link itself, selected, to copy by hand.
    const link = document.createElement("input");
    link.className = "invite-link";
    link.readOnly = true;
    link.hidden = true;
    link.value = inviteLink(code);
    link.setAttribute("aria-label", "Invite link");
    link.dataset["testid"] = "invite-link";
    link.addEventListener("focus", () => link.select());
    // Copied by hand (Ctrl+C, the context menu): say so, and hand the keys back to the game.
    link.addEventListener("copy", () => {
      copy.textContent = COPIED_LABEL;
      link.blur();
    });
    copy.addEventListener("click", () => void this.copy(copy, link));
    this.root.replaceChildren(label, value, copy, link);
  }

  private async copy(button: HTMLButtonElement, link: HTMLInputElement): Promise<void> {
    this.clearTimer();
    const copied = await this.clipboard(link.value);
    if (!button.isConnected) return;
    if (copied) {
      link.hidden = true;
      button.textContent = COPIED_LABEL;
      this.resetTimer = setTimeout(() => {
        button.textContent = COPY_LABEL;
      }, COPIED_MS);
      return;
    }
    button.textContent = COPY_BY_HAND_LABEL;
    link.hidden = false;
    link.focus();
    link.select();
  }

  /**
   * Shows that this seat only watches, whom the camera follows, and `next`: what follows the
   * next pilot on this screen ("Tap" on a touch screen, else the bound controls, e.g.
   * "click / Space").
   */
  showWatching(following: string | null, next: string): void {
    const text = following === null ? "Watching" : `Watching · following ${following} · ${next}: next pilot`;
    this.root.hidden = false;
    if (this.shown === `watch:${text}`) return;
    this.shown = `watch:${text}`;
    this.clearTimer();
    this.root.replaceChildren();
    this.root.textContent = text;
  }

  /** The element on screen (the HUD test hook reports its box). */
  get element(): HTMLElement {
    return this.root;
  }

  /** Moves the badge to `px` from the top (below the HUD's top panels). */
  setTop(px: number): void {
    this.root.style.top = `${Math.round(px)}px`;
  }

  destroy(): void {
    this.clearTimer();
    this.root.remove();
  }

  private clearTimer(): void {
    if (this.resetTimer !== undefined) clearTimeout(this.resetTimer);
    this.resetTimer = undefined;
  }
}
