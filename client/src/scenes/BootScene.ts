/** Boot: bakes every texture (no image files to load), then opens the menu. */
import Phaser from "phaser";
import { SceneKeys } from "../game/keys.ts";
import { ARENA_MAP } from "../../../shared/map.ts";
import { bakeWalls } from "../render/arena.ts";
import { createTextures } from "../render/textures.ts";

export class BootScene extends Phaser.Scene {
  constructor() {
    super(SceneKeys.Boot);
  }

  create(): void {
    createTextures(this);
    bakeWalls(this, ARENA_MAP);
    this.scene.start(SceneKeys.Menu);
  }
}
