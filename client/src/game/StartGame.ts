/** The Phaser game factory: a full-window WebGL canvas with a DOM layer for the menu form. */
import Phaser from "phaser";
import { BootScene } from "../scenes/BootScene.ts";
import { GameScene } from "../scenes/GameScene.ts";
import { MenuScene } from "../scenes/MenuScene.ts";
import { ResultsScene } from "../scenes/ResultsScene.ts";
import { UI } from "../render/palette.ts";

/** Starts Tick Arena inside the element with id `parent`. */
export function StartGame(parent: string): Phaser.Game {
  return new Phaser.Game({
    type: Phaser.AUTO,
    parent,
    title: "Tick Arena",
    backgroundColor: UI.background,
    banner: false,
    disableContextMenu: true,
    scale: { mode: Phaser.Scale.RESIZE, width: "100%", height: "100%" },
    dom: { createContainer: true },
    // Sound is synthesised with Web Audio after the first gesture (client/src/audio/); Phaser's
    // manager would open an AudioContext at boot, before any gesture.
    audio: { noAudio: true },
    render: { antialias: true },
    scene: [BootScene, MenuScene, GameScene, ResultsScene],
  });
}
