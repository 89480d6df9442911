/**
 * Every texture of the game, drawn with Graphics and baked once at boot: no image files.
 * Ship parts are drawn in greys and white so a tint gives each player its colour.
 */
import type Phaser from "phaser";
import { PROJECTILE_RADIUS, SHIP_RADIUS } from "../../../shared/constants.ts";
import { TextureKeys } from "../game/keys.ts";

/** Size of the square ship textures (the turret reaches past the body). */
export const SHIP_TEXTURE_SIZE = 80;

type Painter = (g: Phaser.GameObjects.Graphics) => void;

function bake(scene: Phaser.Scene, key: string, width: number, height: number, paint: Painter): void {
  if (scene.textures.exists(key)) return;
  const g = scene.make.graphics({}, false);
  paint(g);
  g.generateTexture(key, width, height);
  g.destroy();
}

/** Draws every texture listed in `TextureKeys`. */
export function createTextures(scene: Phaser.Scene): void {
  const c = SHIP_TEXTURE_SIZE / 2;
  const r = SHIP_RADIUS;

  bake(scene, TextureKeys.Pixel, 4, 4, (g) => {
    g.fillStyle(0xffffff).fillRect(0, 0, 4, 4);
  });

  bake(scene, TextureKeys.Pad, 60, 60, (g) => {
    g.lineStyle(2, 0x27406a, 1).strokeCircle(30, 30, 26);
    g.fillStyle(0x27406a, 0.25).fillCircle(30, 30, 22);
  });

  bake(scene, TextureKeys.WallPanel, 64, 64, (g) => {
    g.fillStyle(0x262f45).fillRect(0, 0, 64, 64);
    g.fillStyle(0x2e3952).fillRect(3, 3, 58, 58);
    g.lineStyle(2, 0x222a3e).lineBetween(0, 64, 64, 0);
    g.lineBetween(-32, 64, 32, 0);
    g.lineBetween(32, 64, 96, 0);
    g.fillStyle(0x4a5878);
    for (const [x, y] of [
      [8, 8],
      [56, 8],
      [8, 56],
      [56, 56],
    ] as const) {
      g.fillCircle(x, y, 2);
    }
  });

  bake(scene, TextureKeys.ShipShadow, SHIP_TEXTURE_SIZE, SHIP_TEXTURE_SIZE, (g) => {
    g.fillStyle(0x000000, 0.18).fillCircle(c, c, r + 6);
    g.fillStyle(0x000000, 0.3).fillCircle(c, c, r + 2);
  });

  bake(scene, TextureKeys.ShipBody, SHIP_TEXTURE_SIZE, SHIP_TEXTURE_SIZE, (g) => {
    // Hull, pointing along +x: rim, plating, a darker engine block at the back, cockpit forward.
    g.fillStyle(0x8c8c8c).fillCircle(c, c, r);
    g.fillStyle(0xffffff).fillCircle(c, c, r - 3);
    g.fillStyle(0xb8b8b8).fillRoundedRect(c - r + 3, c - 7, 10, 14, 3);
    g.fillStyle(0xe4e4e4).fillCircle(c + 2, c, r - 9);
    g.fillStyle(0x1c2333).fillCircle(c + 7, c, 5);
    g.fillStyle(0x9fd8ff, 0.9).fillCircle(c + 8, c - 1.5, 2);
    g.lineStyle(1.5, 0x000000, 0.35).strokeCircle(c, c, r);
  });

  bake(scene, TextureKeys.ShipTurret, SHIP_TEXTURE_SIZE, SHIP_TEXTURE_SIZE, (g) => {
    // Barrel from the hull's edge forward, plus a muzzle ring.
    g.fillStyle(0x2b3242).fillRoundedRect(c + r - 6, c - 4, 20, 8, 2);
    g.fillStyle(0x4b5670).fillRect(c + r - 4, c - 2, 16, 2);
    g.fillStyle(0x151a24).fillRect(c + r + 11, c - 5, 4, 10);
  });

  bake(scene, TextureKeys.ShipShield, SHIP_TEXTURE_SIZE, SHIP_TEXTURE_SIZE, (g) => {
    g.fillStyle(0xffffff, 0.12).fillCircle(c, c, r + 9);
    g.lineStyle(3, 0xffffff, 0.9).strokeCircle(c, c, r + 8);
    g.lineStyle(1, 0xffffff, 0.5).strokeCircle(c, c, r + 12);
  });

  bake(scene, TextureKeys.Wreck, SHIP_TEXTURE_SIZE, SHIP_TEXTURE_SIZE, (g) => {
    g.fillStyle(0x000000, 0.35).fillCircle(c, c, r + 4);
    g.fillStyle(0x1a1a1a, 0.7).fillCircle(c - 3, c + 2, r - 6);
    g.lineStyle(4, 0x5a5f6b).lineBetween(c - 12, c - 12, c + 12, c + 12);
    g.lineBetween(c - 12, c + 12, c + 12, c - 12);
    g.fillStyle(0x3a3f4b).fillTriangle(c + 10, c - 4, c + 22, c - 8, c + 16, c + 3);
    g.fillTriangle(c - 14, c + 6, c - 24, c + 12, c - 12, c + 16);
  });

  const p = 16;
  bake(scene, TextureKeys.Projectile, p * 2, p * 2, (g) => {
    g.fillStyle(0xffffff, 0.15).fillCircle(p, p, PROJECTILE_RADIUS + 7);
    g.fillStyle(0xffffff, 0.35).fillCircle(p, p, PROJECTILE_RADIUS + 3);
    g.fillStyle(0xffffff, 1).fillCircle(p, p, PROJECTILE_RADIUS);
  });

  bake(scene, TextureKeys.Spark, 16, 16, (g) => {
    g.fillStyle(0xffffff, 0.4).fillCircle(8, 8, 8);
    g.fillStyle(0xffffff, 1).fillCircle(8, 8, 4);
  });

  bake(scene, TextureKeys.Ring, 128, 128, (g) => {
    g.lineStyle(6, 0xffffff, 1).strokeCircle(64, 64, 58);
  });
}
