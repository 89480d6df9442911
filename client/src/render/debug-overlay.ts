/**
 * The netcode debug overlay, toggled with F3: RTT, server tick, last acknowledged input, last
 * prediction correction, interpolation delay and buffer depth, bytes per second each way, FPS.
 * Hidden by default; it costs nothing while hidden.
 */
import type Phaser from "phaser";
import type { DebugInfo } from "../net/types.ts";
import { debugLines } from "./debug-format.ts";
import { NARROW_WIDTH } from "./hud-layout.ts";
import { UI } from "./palette.ts";

const MARGIN = 16;
const DEPTH = 1100;

export class DebugOverlay {
  private readonly text: Phaser.GameObjects.Text;
  private shown = false;

  constructor(scene: Phaser.Scene) {
    this.text = scene.add
      .text(MARGIN, 0, "", {
        fontFamily: "ui-monospace, Menlo, Consolas, monospace",
        fontSize: "13px",
        color: UI.text,
        backgroundColor: "#05070dcc",
        padding: { x: 8, y: 6 },
      })
      .setScrollFactor(0)
      .setDepth(DEPTH)
      .setVisible(false);
  }

  /** Fits the overlay to a screen `width` px wide (smaller type and margin on a phone). */
  layout(width: number): void {
    const narrow = width < NARROW_WIDTH;
    this.text.setX(narrow ? 8 : MARGIN);
    this.text.setFontSize(narrow ? "11px" : "13px");
    this.text.setWordWrapWidth(width - 2 * (narrow ? 8 : MARGIN) - 16, true);
  }

  /** Shows or hides the overlay. */
  toggle(): void {
    this.shown = !this.shown;
    this.text.setVisible(this.shown);
  }

  get visible(): boolean {
    return this.shown;
  }

  /** Refreshes the text (only while shown); `top` is where it starts on screen. */
  update(info: () => DebugInfo, fps: number, top: number): void {
    if (!this.shown) return;
    this.text.setY(top);
    this.text.setText(debugLines(info(), fps));
  }
}
