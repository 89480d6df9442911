/**
 * The static arena: floor grid, spawn pads and the walls of the map. The floor itself is the
 * camera's background colour and the grid is thin lines, so no full-screen textured quad is
 * drawn (that alone halves the frame rate under software WebGL); each wall is a small texture
 * baked once at boot.
 */
import type Phaser from "phaser";
import type { ArenaMap, Rect } from "../../../shared/map.ts";
import { TextureKeys } from "../game/keys.ts";
import { UI } from "./palette.ts";
import { Depth } from "./ship-sprites.ts";

const GRID_MINOR = 160;
const GRID_MAJOR = 640;

/** Texture key of a wall: by size, so walls of one size (on any map) share a texture. */
function wallKey(w: Rect): string {
  return `${TextureKeys.WallPanel}-${w.w}x${w.h}`;
}

/** Bakes one texture per wall of `map` (once): riveted panels with a bevelled edge. */
export function bakeWalls(scene: Phaser.Scene, map: ArenaMap): void {
  const edge = scene.make.graphics({}, false);
  map.walls.forEach((w) => {
    const key = wallKey(w);
    if (scene.textures.exists(key)) return;
    const texture = scene.textures.addDynamicTexture(key, w.w, w.h);
    if (texture === null) throw new Error(`could not create texture ${key}`);
    edge.clear();
    edge.lineStyle(2, 0x56678d, 1).strokeRect(1, 1, w.w - 2, w.h - 2);
    edge.lineStyle(2, 0x7d90b8, 0.8).lineBetween(2, 2, w.w - 2, 2);
    texture.repeat(TextureKeys.WallPanel, undefined, 0, 0, w.w, w.h).draw(edge).render();
  });
  edge.destroy();
}

/** Adds the arena of `map` to `scene` (walls must have been baked). */
export function drawArena(scene: Phaser.Scene, map: ArenaMap): void {
  scene.cameras.main.setBackgroundColor(UI.floor);

  // Every piece is a textured quad: no Graphics to re-tessellate each frame.
  const line = (x: number, y: number, w: number, h: number, color: number, alpha = 1): void => {
    scene.add.image(x, y, TextureKeys.Pixel).setOrigin(0, 0).setDisplaySize(w, h).setTint(color).setAlpha(alpha);
  };
  for (let x = GRID_MINOR; x < map.width; x += GRID_MINOR) {
    const major = x % GRID_MAJOR === 0;
    line(x - (major ? 1 : 0), 0, major ? 2 : 1, map.height, major ? 0x233050 : 0x18213a);
  }
  for (let y = GRID_MINOR; y < map.height; y += GRID_MINOR) {
    const major = y % GRID_MAJOR === 0;
    line(0, y - (major ? 1 : 0), map.width, major ? 2 : 1, major ? 0x233050 : 0x18213a);
  }
  for (const s of map.spawns) scene.add.image(s.x, s.y, TextureKeys.Pad).setAlpha(0.6);
  // Wall shadows fall down-right.
  for (const w of map.walls) line(w.x + 6, w.y + 8, w.w, w.h, 0x000000, 0.35);

  bakeWalls(scene, map);
  map.walls.forEach((w: Rect) => {
    scene.add.image(w.x, w.y, wallKey(w)).setOrigin(0, 0).setDepth(Depth.Wall);
  });
}
