/**
 * The touch buttons of a match on a phone, where there is no Tab or Esc: **Scores** shows the
 * scoreboard until tapped again, **Leave** leaves after a second tap (the first asks "Sure?",
 * for three seconds). Placed by the HUD layout (render/hud-layout.ts); DOM, like the badges.
 */
import type { Box } from "../render/hud-layout.ts";

const STYLE_ID = "touch-bar-style";
const STYLE = `
.touch-button { position: fixed; z-index: 20; box-sizing: border-box; padding: 0 8px; border-radius: 8px;
  border: 1px solid #2c3a58; background: rgba(10, 14, 24, 0.78); color: #e6edf7;
  font: 700 13px system-ui, sans-serif; letter-spacing: 0.02em; touch-action: manipulation;
  -webkit-tap-highlight-color: transparent; }
.touch-button[aria-pressed="true"] { background: #1b2640; border-color: #3ef0b4; color: #3ef0b4; }
.touch-button.confirm { border-color: #ff7b6e; color: #ff7b6e; }
.touch-button[hidden] { display: none; }`;

const CONFIRM_MS = 3000;

export interface TouchBarActions {
  /** The scoreboard shown (true) or hidden. */
  onScores(shown: boolean): void;
  /** Leave the match (after the confirming second tap). */
  onLeave(): void;
}

export class TouchBar {
  readonly scores: HTMLButtonElement;
  readonly leave: HTMLButtonElement;
  private scoresShown = false;
  private confirmTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(parent: HTMLElement, actions: TouchBarActions) {
    if (document.getElementById(STYLE_ID) === null) {
      const style = document.createElement("style");
      style.id = STYLE_ID;
      style.textContent = STYLE;
      document.head.append(style);
    }
    const button = (text: string, testid: string): HTMLButtonElement => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "touch-button";
      b.textContent = text;
      b.dataset["testid"] = testid;
      b.tabIndex = -1;
      b.hidden = true;
      parent.append(b);
      return b;
    };
    this.scores = button("Scores", "touch-scores");
    this.scores.setAttribute("aria-pressed", "false");
    this.leave = button("Leave", "touch-leave");
    this.scores.addEventListener("click", () => {
      this.scoresShown = !this.scoresShown;
      this.scores.setAttribute("aria-pressed", String(this.scoresShown));
      actions.onScores(this.scoresShown);
    });
    this.leave.addEventListener("click", () => {
      if (this.confirmTimer === null) {
        this.leave.textContent = "Sure?";
        this.leave.classList.add("confirm");
        this.confirmTimer = setTimeout(() => this.resetLeave(), CONFIRM_MS);
        return;
      }
      this.resetLeave();
      actions.onLeave();
    });
  }

  /** Puts the buttons at the HUD layout's boxes (hidden where the layout has none). */
  place(scores: Box | null, leave: Box | null): void {
    for (const [el, box] of [
      [this.scores, scores],
      [this.leave, leave],
    ] as const) {
      el.hidden = box === null;
      if (box === null) continue;
      el.style.left = `${Math.round(box.x)}px`;
      el.style.top = `${Math.round(box.y)}px`;
      el.style.width = `${Math.round(box.width)}px`;
      el.style.height = `${Math.round(box.height)}px`;
    }
  }

  destroy(): void {
    this.resetLeave();
    this.scores.remove();
    this.leave.remove();
  }

  private resetLeave(): void {
    if (this.confirmTimer !== null) clearTimeout(this.confirmTimer);
    this.confirmTimer = null;
    this.leave.textContent = "Leave";
    this.leave.classList.remove("confirm");
  }
}
