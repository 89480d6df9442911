/**
 * Ships on screen: one container per player with shadow, hull, turret, shield, name label and
 * HP bar. Every hull is tinted in its pilot's palette colour; your own ship also wears a white
 * bracket frame and a "YOU" label, so telling it apart never relies on colour. `ShipLayer.sync`
 * brings the set of containers in line with a snapshot each frame.
 */
import Phaser from "phaser";
import { SHIP_MAX_HP } from "../../../shared/constants.ts";
import { TextureKeys } from "../game/keys.ts";
import type { PlayerView } from "../net/types.ts";
import { cssColor, SELF_MARK, shipColor, UI, UI_FONT } from "./palette.ts";

const HP_BAR_WIDTH = 40;
const HP_BAR_HEIGHT = 5;
const LABEL_Y = -44;
const HP_BAR_Y = -31;
/** Your ship's marks: the bracket frame's half size and arm length, and the "YOU" label. */
const SELF_FRAME_HALF = 29;
const SELF_FRAME_ARM = 10;
const SELF_LABEL_Y = 40;

/** Depths of world layers. */
export const Depth = {
  Floor: 0,
  Wreck: 5,
  Wall: 10,
  Projectile: 20,
  Ship: 30,
  Effect: 40,
} as const;

/** What the end-to-end test hook reads of a drawn ship. */
export interface DrawnShip {
  readonly id: string;
  readonly name: string;
  readonly x: number;
  readonly y: number;
  readonly visible: boolean;
  /** The hull's colour (`0xrrggbb`) and whether it wears your marks. */
  readonly color: number;
  readonly marked: boolean;
}

/** One ship's game objects. */
export class ShipSprite {
  readonly container: Phaser.GameObjects.Container;
  private readonly shadow: Phaser.GameObjects.Image;
  private readonly hull: Phaser.GameObjects.Image;
  private readonly turret: Phaser.GameObjects.Image;
  private readonly shield: Phaser.GameObjects.Image;
  private readonly hpBack: Phaser.GameObjects.Rectangle;
  private readonly hpFill: Phaser.GameObjects.Rectangle;
  private readonly label: Phaser.GameObjects.Text;
  private readonly wreck: Phaser.GameObjects.Image;
  /** Your own ship only: the bracket frame and the "YOU" label. */
  private readonly selfMarks: (Phaser.GameObjects.Graphics | Phaser.GameObjects.Text)[] = [];
  private color: number;
  private name = "";
  private lastHp = SHIP_MAX_HP;
  private wasAlive: boolean | null = null;
  private flashUntil = 0;

  constructor(
    private readonly scene: Phaser.Scene,
    readonly id: string,
    readonly isSelf: boolean,
    colorIndex: number,
  ) {
    this.color = shipColor(colorIndex);
    this.shadow = scene.add.image(4, 6, TextureKeys.ShipShadow);
    this.shield = scene.add.image(0, 0, TextureKeys.ShipShield).setTint(0x9fe8ff).setVisible(false);
    this.hull = scene.add.image(0, 0, TextureKeys.ShipBody).setTint(this.color);
    this.turret = scene.add.image(0, 0, TextureKeys.ShipTurret);
    this.hpBack = scene.add.rectangle(
      -HP_BAR_WIDTH / 2 - 1,
      HP_BAR_Y,
      HP_BAR_WIDTH + 2,
      HP_BAR_HEIGHT + 2,
      0x000000,
      0.6,
    );
    this.hpBack.setOrigin(0, 0.5);
    this.hpFill = scene.add.rectangle(-HP_BAR_WIDTH / 2, HP_BAR_Y, HP_BAR_WIDTH, HP_BAR_HEIGHT, UI.hpHigh);
    this.hpFill.setOrigin(0, 0.5);
    this.label = scene.add
      .text(0, LABEL_Y, "", {
        fontFamily: UI_FONT,
        fontSize: "13px",
        fontStyle: "bold",
        color: UI.text,
        stroke: "#05070d",
        strokeThickness: 4,
      })
      .setOrigin(0.5, 0.5);
    if (isSelf) this.selfMarks.push(selfFrame(scene), selfLabel(scene));
    this.container = scene.add
      .container(0, 0, [
        this.shadow,
        this.shield,
        this.hull,
        this.turret,
        this.hpBack,
        this.hpFill,
        this.label,
        ...this.selfMarks,
      ])
      .setDepth(isSelf ? Depth.Ship + 1 : Depth.Ship);
    this.wreck = scene.add.image(0, 0, TextureKeys.Wreck).setDepth(Depth.Wreck).setVisible(false);
  }

  /** Whether the ship itself (not its wreck) is drawn. */
  get drawn(): boolean {
    return this.container.visible && this.hull.visible;
  }

  /** Brings the sprite in line with `p`; `aim` overrides the facing (your own live aim). */
  update(p: PlayerView, timeMs: number, aim: number = p.aim): void {
    if (p.name !== this.name) {
      this.name = p.name;
      this.label.setText(p.name);
    }
    this.container.setPosition(p.x, p.y);
    this.color = shipColor(p.color);

    if (this.wasAlive === true && !p.alive) this.onDestroyed(p);
    if (p.alive && p.hp < this.lastHp && this.wasAlive === true) this.flashUntil = timeMs + 90;
    this.wasAlive = p.alive;
    this.lastHp = p.hp;

    for (const part of [this.shadow, this.hull, this.turret, this.hpBack, this.hpFill, this.label]) {
      part.setVisible(p.alive);
    }
    for (const mark of this.selfMarks) mark.setVisible(p.alive);
    this.wreck.setVisible(!p.alive);
    if (!p.alive) {
      this.shield.setVisible(false);
      return;
    }

    this.hull.setRotation(aim);
    this.turret.setRotation(aim);
    this.updateHp(p.hp);

    const flashing = timeMs < this.flashUntil;
    this.hull.setTint(flashing ? 0xffffff : this.color);
    this.hull.setTintMode(flashing ? Phaser.TintModes.FILL : Phaser.TintModes.MULTIPLY);

    this.shield.setVisible(p.shielded);
    if (p.shielded) {
      const pulse = 0.5 + 0.5 * Math.sin(timeMs / 70);
      this.shield.setAlpha(0.45 + 0.55 * pulse).setScale(1 + 0.04 * pulse);
      this.hull.setAlpha(0.55 + 0.45 * pulse);
    } else {
      this.hull.setAlpha(1);
    }
  }

  /** The drawn position and visibility, read back from the game objects. */
  probe(): DrawnShip {
    return {
      id: this.id,
      name: this.name,
      x: this.container.x,
      y: this.container.y,
      visible: this.drawn,
      color: this.color,
      marked: this.selfMarks.length > 0,
    };
  }

  destroy(): void {
    this.container.destroy();
    this.wreck.destroy();
  }

  private updateHp(hp: number): void {
    const f = Phaser.Math.Clamp(hp / SHIP_MAX_HP, 0, 1);
    this.hpFill.setScale(f, 1);
    this.hpFill.setFillStyle(f > 0.5 ? UI.hpHigh : f > 0.25 ? UI.hpMid : UI.hpLow);
  }

  private onDestroyed(p: PlayerView): void {
    this.wreck.setPosition(p.x, p.y).setRotation(p.aim).setAlpha(0.9);
    explode(this.scene, p.x, p.y, this.color);
  }
}

/** Your ship's frame: four white corner brackets around the hull, outlined dark for any floor. */
function selfFrame(scene: Phaser.Scene): Phaser.GameObjects.Graphics {
  const g = scene.add.graphics();
  const h = SELF_FRAME_HALF;
  const a = SELF_FRAME_ARM;
  const corners: readonly (readonly [number, number])[] = [
    [-1, -1],
    [1, -1],
    [1, 1],
    [-1, 1],
  ];
  for (const [width, color, alpha] of [
    [5, 0x05070d, 0.7],
    [2.5, SELF_MARK, 0.95],
  ] as const) {
    g.lineStyle(width, color, alpha);
    for (const [sx, sy] of corners) {
      g.beginPath();
      g.moveTo(sx * h, sy * (h - a));
      g.lineTo(sx * h, sy * h);
      g.lineTo(sx * (h - a), sy * h);
      g.strokePath();
    }
  }
  return g;
}

/** Your ship's "YOU" label, under the hull. */
function selfLabel(scene: Phaser.Scene): Phaser.GameObjects.Text {
  return scene.add
    .text(0, SELF_LABEL_Y, "YOU", {
      fontFamily: UI_FONT,
      fontSize: "11px",
      fontStyle: "bold",
      color: cssColor(SELF_MARK),
      stroke: "#05070d",
      strokeThickness: 4,
    })
    .setOrigin(0.5, 0.5);
}

/** A short burst: an expanding ring and a few sparks. */
export function explode(scene: Phaser.Scene, x: number, y: number, color: number): void {
  const ring = scene.add
    .image(x, y, TextureKeys.Ring)
    .setTint(color)
    .setScale(0.2)
    .setDepth(Depth.Effect)
    .setBlendMode(Phaser.BlendModes.ADD);
  scene.tweens.add({
    targets: ring,
    scale: 1.1,
    alpha: 0,
    duration: 420,
    ease: "Cubic.easeOut",
    onComplete: () => ring.destroy(),
  });
  for (let i = 0; i < 10; i++) {
    const angle = (i / 10) * Math.PI * 2 + Math.random() * 0.5;
    const dist = 30 + Math.random() * 40;
    const spark = scene.add
      .image(x, y, TextureKeys.Spark)
      .setTint(i % 2 === 0 ? color : 0xfff2c0)
      .setDepth(Depth.Effect)
      .setBlendMode(Phaser.BlendModes.ADD);
    scene.tweens.add({
      targets: spark,
      x: x + Math.cos(angle) * dist,
      y: y + Math.sin(angle) * dist,
      alpha: 0,
      scale: 0.3,
      duration: 350 + Math.random() * 250,
      ease: "Quad.easeOut",
      onComplete: () => spark.destroy(),
    });
  }
}

/** All ships on screen, keyed by player id. */
export class ShipLayer {
  private readonly ships = new Map<string, ShipSprite>();

  constructor(private readonly scene: Phaser.Scene) {}

  /** Creates, updates and removes sprites to match `players`. */
  sync(players: readonly PlayerView[], timeMs: number, selfAim: number | null): void {
    const seen = new Set<string>();
    for (const p of players) {
      seen.add(p.id);
      let ship = this.ships.get(p.id);
      if (ship === undefined) {
        ship = new ShipSprite(this.scene, p.id, p.isSelf, p.color);
        this.ships.set(p.id, ship);
      }
      ship.update(p, timeMs, p.isSelf && selfAim !== null ? selfAim : p.aim);
    }
    for (const [id, ship] of this.ships) {
      if (seen.has(id)) continue;
      ship.destroy();
      this.ships.delete(id);
    }
  }

  /** The sprite of player `id`, if drawn. */
  get(id: string): ShipSprite | undefined {
    return this.ships.get(id);
  }

  /** Every drawn ship, as the test hook reports it. */
  probe(): DrawnShip[] {
    return [...this.ships.values()].map((s) => s.probe());
  }

  destroy(): void {
    for (const ship of this.ships.values()) ship.destroy();
    this.ships.clear();
  }
}
