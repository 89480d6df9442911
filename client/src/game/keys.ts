/** Scene and texture keys, in one place so a typo is a compile error, not a blank screen. */

/** Scene keys. */
export const SceneKeys = {
  Boot: "boot",
  Menu: "menu",
  Game: "game",
  Results: "results",
} as const;
/** One of {@link SceneKeys}. */
export type SceneKey = (typeof SceneKeys)[keyof typeof SceneKeys];

/** Keys of the textures `BootScene` draws. */
export const TextureKeys = {
  /** A white square, stretched and tinted for lines and flat rectangles. */
  Pixel: "pixel",
  /** A spawn pad ring. */
  Pad: "pad",
  /** The wall panel pattern; each wall is baked as `wall-panel-<index>`. */
  WallPanel: "wall-panel",
  ShipShadow: "ship-shadow",
  ShipBody: "ship-body",
  ShipTurret: "ship-turret",
  ShipShield: "ship-shield",
  Wreck: "wreck",
  Projectile: "projectile",
  Spark: "spark",
  Ring: "ring",
} as const;
/** One of {@link TextureKeys}. */
export type TextureKey = (typeof TextureKeys)[keyof typeof TextureKeys];
