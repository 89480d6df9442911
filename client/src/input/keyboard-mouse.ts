/**
 * Reads the keyboard and mouse through Phaser into a {@link ControlState}: WASD or arrows
 * move, the mouse aims, the left button or Space fires (touches are not the mouse: see
 * touch-input.ts). Keys are not captured, so the page
 * never swallows typing in other scenes' text fields.
 */
import Phaser from "phaser";
import type { Point } from "../../../shared/map.ts";
import type { ControlState } from "./controls.ts";

const K = Phaser.Input.Keyboard.KeyCodes;

export class KeyboardMouse {
  private readonly keys: Record<
    "w" | "a" | "s" | "d" | "up" | "left" | "down" | "right" | "space",
    Phaser.Input.Keyboard.Key | null
  >;
  private pointerSeen = false;

  constructor(private readonly scene: Phaser.Scene) {
    const kb = scene.input.keyboard;
    const add = (code: number): Phaser.Input.Keyboard.Key | null => kb?.addKey(code, false) ?? null;
    this.keys = {
      w: add(K.W),
      a: add(K.A),
      s: add(K.S),
      d: add(K.D),
      up: add(K.UP),
      left: add(K.LEFT),
      down: add(K.DOWN),
      right: add(K.RIGHT),
      space: add(K.SPACE),
    };
    // Fingers are the thumb sticks' (touch-input.ts): only the mouse aims and fires here.
    const seen = (pointer: Phaser.Input.Pointer): void => {
      if (!pointer.wasTouch) this.pointerSeen = true;
    };
    scene.input.on(Phaser.Input.Events.POINTER_MOVE, seen);
    scene.input.on(Phaser.Input.Events.POINTER_DOWN, seen);
  }

  /** The controls held now; `ship` is where your ship is drawn (world coordinates). */
  read(ship: Point | null): ControlState {
    const down = (k: Phaser.Input.Keyboard.Key | null): boolean => k?.isDown ?? false;
    const pointer = this.scene.input.mousePointer ?? this.scene.input.activePointer;
    const world = this.pointerSeen ? this.scene.cameras.main.getWorldPoint(pointer.x, pointer.y) : null;
    return {
      left: down(this.keys.a) || down(this.keys.left),
      right: down(this.keys.d) || down(this.keys.right),
      up: down(this.keys.w) || down(this.keys.up),
      down: down(this.keys.s) || down(this.keys.down),
      fire: down(this.keys.space) || (this.pointerSeen && pointer.leftButtonDown()),
      ship,
      pointer: world === null ? null : { x: world.x, y: world.y },
    };
  }
}
