/**
 * The badge at the top of a match for a private room (its code and a "Copy invite link"
 * button) or for a spectator ("Watching"). DOM, text only (no HTML from the server).
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
@media (max-width: 480px) { .room-badge { font-size: 12px; top: 70px; } }`;

export class RoomBadge {
  private readonly root: HTMLDivElement;

  constructor(parent: HTMLElement) {
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

  /** Shows the code of a private room with a button that copies its invite link. */
  showCode(code: string): void {
    this.root.replaceChildren();
    const label = document.createElement("span");
    label.textContent = "Room code";
    const value = document.createElement("code");
    value.textContent = code;
    value.dataset["testid"] = "room-code";
    const copy = document.createElement("button");
    copy.type = "button";
    copy.textContent = "Copy invite link";
    copy.addEventListener("click", () => {
      const link = inviteLink(code);
      navigator.clipboard?.writeText(link).then(
        () => (copy.textContent = "Copied!"),
        () => (copy.textContent = link),
      );
    });
    this.root.append(label, value, copy);
    this.root.hidden = false;
  }

  /** Shows that this seat only watches, and whom the camera follows. */
  showWatching(following: string | null): void {
    const text = following === null ? "Watching" : `Watching · following ${following} · Space: next pilot`;
    if (this.root.textContent !== text) {
      this.root.replaceChildren();
      this.root.textContent = text;
    }
    this.root.hidden = false;
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
    this.root.remove();
  }
}
