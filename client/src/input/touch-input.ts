/**
 * The thumb sticks on a touch screen, through Phaser's input plugin (several touch pointers at
 * once): the logic is in touch-sticks.ts; this feeds it the touch pointers (never the mouse) and
 * draws the sticks. Nothing shows until a finger touches the canvas, apart from the sticks'
 * resting places, drawn faintly while the controls hint shows.
 */
import Phaser from "phaser";
import type { Point } from "../../../shared/map.ts";
import type { Box } from "../render/hud-layout.ts";
import type { ControlState } from "./controls.ts";
import { STICK_RADIUS, TouchSticks, type StickView } from "./touch-sticks.ts";

/** Just below the HUD text. */
const DEPTH = 990;
const KNOB_RADIUS = 22;

export class TouchInput {
  readonly sticks = new TouchSticks();
  private readonly graphics: Phaser.GameObjects.Graphics;
  private readonly cleanups: Array<() => void> = [];
  private touched = false;
  private drewNothing = false;
  /** False for a spectator: fingers take no stick (a tap picks the next pilot instead). */
  private enabled = true;

  /** `onFirstTouch` runs once, when the first finger lands (the HUD switches its hint). */
  constructor(
    scene: Phaser.Scene,
    private readonly onFirstTouch: () => void,
  ) {
    // Two fingers at once (Phaser starts with one touch pointer), plus a spare; the pointers
    // belong to the game, so later matches find them there.
    const input = scene.input;
    if (input.manager.pointersTotal < 4) input.addPointer(2);
    this.graphics = scene.add.graphics().setScrollFactor(0).setDepth(DEPTH);

    const down = (p: Phaser.Input.Pointer): void => {
      if (!p.wasTouch) return;
      if (!this.touched) {
        this.touched = true;
        this.onFirstTouch();
      }
      if (this.enabled) this.sticks.down(p.id, p.x, p.y, scene.scale.width);
    };
    const move = (p: Phaser.Input.Pointer): void => {
      if (p.wasTouch && p.isDown) this.sticks.drag(p.id, p.x, p.y);
    };
    const up = (p: Phaser.Input.Pointer): void => {
      if (p.wasTouch) this.sticks.up(p.id);
    };
    const release = (): void => this.sticks.release();
    const E = Phaser.Input.Events;
    input.on(E.POINTER_DOWN, down);
    input.on(E.POINTER_MOVE, move);
    input.on(E.POINTER_UP, up);
    input.on(E.POINTER_UP_OUTSIDE, up);
    window.addEventListener("blur", release);
    this.cleanups.push(
      () => input.off(E.POINTER_DOWN, down),
      () => input.off(E.POINTER_MOVE, move),
      () => input.off(E.POINTER_UP, up),
      () => input.off(E.POINTER_UP_OUTSIDE, up),
      () => window.removeEventListener("blur", release),
    );
  }

  /** Whether a finger has touched the canvas in this match. */
  get wasTouched(): boolean {
    return this.touched;
  }

  /** Turns the sticks on or off (a spectator has none); off lets go of any held. */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    if (!enabled) this.sticks.release();
  }

  /** The controls the sticks hold now (null while no finger is down). */
  read(ship: Point | null): ControlState | null {
    return this.sticks.active ? this.sticks.controls(ship) : null;
  }

  /**
   * Draws the held sticks, and the resting places `ghosts` (from the HUD layout) at `ghostAlpha`
   * where no finger is.
   */
  draw(ghosts: { readonly move: Box | null; readonly aim: Box | null }, ghostAlpha: number): void {
    const views = this.sticks.views();
    const idle = views.move === null && views.aim === null && (ghostAlpha <= 0.01 || ghosts.move === null);
    // Nothing to draw, as last frame (a mouse player's every frame): leave the graphics alone.
    if (idle && this.drewNothing) return;
    this.drewNothing = idle;
    const g = this.graphics.clear();
    const pairs: Array<[StickView | null, Box | null]> = [
      [views.move, ghosts.move],
      [views.aim, ghosts.aim],
    ];
    for (const [view, ghost] of pairs) {
      if (view !== null) {
        stick(g, view, 1);
      } else if (ghost !== null && ghostAlpha > 0.01) {
        const cx = ghost.x + ghost.width / 2;
        const cy = ghost.y + ghost.height / 2;
        stick(g, { baseX: cx, baseY: cy, knobX: cx, knobY: cy }, ghostAlpha * 0.7);
      }
    }
  }

  destroy(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.sticks.release();
    this.graphics.destroy();
  }
}

function stick(g: Phaser.GameObjects.Graphics, v: StickView, alpha: number): void {
  g.fillStyle(0xe8eefc, 0.08 * alpha).fillCircle(v.baseX, v.baseY, STICK_RADIUS);
  g.lineStyle(2, 0xe8eefc, 0.35 * alpha).strokeCircle(v.baseX, v.baseY, STICK_RADIUS);
  g.fillStyle(0xe8eefc, 0.35 * alpha).fillCircle(v.knobX, v.knobY, KNOB_RADIUS);
  g.lineStyle(2, 0x05070d, 0.5 * alpha).strokeCircle(v.knobX, v.knobY, KNOB_RADIUS);
}
