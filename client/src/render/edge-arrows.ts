/**
 * Arrows at the screen's edge pointing to pilots outside the view (in their ship colours), so
 * players on a map larger than the screen find each other. Nearer pilots get larger arrows.
 */
import type Phaser from "phaser";
import type { PilotView } from "../net/types.ts";
import { shipColor } from "./palette.ts";

/** Distance of an arrow's tip from the screen edge, px. */
const INSET = 18;
const MAX_SIZE = 14;
const MIN_SIZE = 7;
/** Beyond this distance from the view's centre, arrows stay at their smallest. */
const FAR_PX = 2000;
/** Under the HUD panels, above the world. */
const ARROW_DEPTH = 900;

export class EdgeArrows {
  private readonly g: Phaser.GameObjects.Graphics;

  constructor(private readonly scene: Phaser.Scene) {
    this.g = scene.add.graphics().setScrollFactor(0).setDepth(ARROW_DEPTH);
  }

  /** Redraws the arrows for `players` as the main camera sees them now. */
  update(players: readonly PilotView[]): void {
    const g = this.g;
    g.clear();
    const cam = this.scene.cameras.main;
    const view = cam.worldView;
    const cx = view.centerX;
    const cy = view.centerY;
    const halfW = cam.width / 2 - INSET;
    const halfH = cam.height / 2 - INSET;
    for (const p of players) {
      if (p.isSelf || !p.alive || view.contains(p.x, p.y)) continue;
      const dx = (p.x - cx) * cam.zoom;
      const dy = (p.y - cy) * cam.zoom;
      // Scale the direction so it touches the inset rectangle.
      const t = Math.min(halfW / Math.max(Math.abs(dx), 1e-6), halfH / Math.max(Math.abs(dy), 1e-6));
      const sx = cam.width / 2 + dx * t;
      const sy = cam.height / 2 + dy * t;
      const angle = Math.atan2(dy, dx);
      const near = 1 - Math.min(1, Math.hypot(p.x - cx, p.y - cy) / FAR_PX);
      const size = MIN_SIZE + (MAX_SIZE - MIN_SIZE) * near;
      const cos = Math.cos(angle);
      const sin = Math.sin(angle);
      // A triangle with its tip at (sx, sy), pointing outwards.
      const bx = sx - cos * size * 1.6;
      const by = sy - sin * size * 1.6;
      g.fillStyle(shipColor(p.color), 0.9);
      g.lineStyle(2, 0x05070d, 0.8);
      g.beginPath();
      g.moveTo(sx, sy);
      g.lineTo(bx - sin * size, by + cos * size);
      g.lineTo(bx + sin * size, by - cos * size);
      g.closePath();
      g.fillPath();
      g.strokePath();
    }
  }

  destroy(): void {
    this.g.destroy();
  }
}
