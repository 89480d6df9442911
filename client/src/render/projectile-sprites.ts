/**
 * Projectiles on screen: a pooled glowing dot per projectile plus a short trail, tinted in
 * the shooter's palette colour.
 */
import Phaser from "phaser";
import { TextureKeys } from "../game/keys.ts";
import type { ProjectileView } from "../net/types.ts";
import { colorOfPlayer } from "./palette.ts";
import { Depth } from "./ship-sprites.ts";

const TRAIL_PX = 26;

export class ProjectileLayer {
  private readonly pool: Phaser.GameObjects.Image[] = [];
  private readonly trails: Phaser.GameObjects.Graphics;

  constructor(private readonly scene: Phaser.Scene) {
    this.trails = scene.add
      .graphics()
      .setDepth(Depth.Projectile - 1)
      .setBlendMode(Phaser.BlendModes.ADD);
  }

  /** Draws `projectiles`, each in its shooter's colour (`colors`: palette index by player id). */
  sync(projectiles: readonly ProjectileView[], colors: ReadonlyMap<string, number>): void {
    this.trails.clear();
    while (this.pool.length < projectiles.length) {
      this.pool.push(
        this.scene.add
          .image(0, 0, TextureKeys.Projectile)
          .setDepth(Depth.Projectile)
          .setBlendMode(Phaser.BlendModes.ADD),
      );
    }
    projectiles.forEach((p, i) => {
      const color = colorOfPlayer(colors, p.ownerId);
      this.pool[i]?.setPosition(p.x, p.y).setTint(color).setVisible(true);
      this.trails.lineStyle(4, color, 0.35);
      this.trails.lineBetween(p.x - p.dirX * TRAIL_PX, p.y - p.dirY * TRAIL_PX, p.x, p.y);
    });
    for (let i = projectiles.length; i < this.pool.length; i++) this.pool[i]?.setVisible(false);
  }
}
