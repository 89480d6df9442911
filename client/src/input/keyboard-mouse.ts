/**
 * Reads the keyboard and mouse into a {@link ControlState}: the bound keys move and fire
 * (WASD or arrows and Space unless rebound: bindings.ts), the mouse aims, the left button
 * fires (touches are not the mouse: see touch-input.ts). Keys are not captured, so the page
 * never swallows typing in other scenes' text fields.
 */
import Phaser from "phaser";
import type { Point } from "../../../shared/map.ts";
import type { ControlState } from "./controls.ts";
import type { HeldKeys } from "./held-keys.ts";

export class KeyboardMouse {
  private pointerSeen = false;

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly keys: HeldKeys,
  ) {
    // Fingers are the thumb sticks' (touch-input.ts): only the mouse aims and fires here.
    const seen = (pointer: Phaser.Input.Pointer): void => {
      if (!pointer.wasTouch) this.pointerSeen = true;
    };
    scene.input.on(Phaser.Input.Events.POINTER_MOVE, seen);
    scene.input.on(Phaser.Input.Events.POINTER_DOWN, seen);
  }

  /** The controls held now; `ship` is where your ship is drawn (world coordinates). */
  read(ship: Point | null): ControlState {
    const keys = this.keys;
    const pointer = this.scene.input.mousePointer ?? this.scene.input.activePointer;
    const world = this.pointerSeen ? this.scene.cameras.main.getWorldPoint(pointer.x, pointer.y) : null;
    return {
      left: keys.isDown("left"),
      right: keys.isDown("right"),
      up: keys.isDown("up"),
      down: keys.isDown("down"),
      fire: keys.isDown("fire") || (this.pointerSeen && pointer.leftButtonDown()),
      ship,
      pointer: world === null ? null : { x: world.x, y: world.y },
    };
  }
}
