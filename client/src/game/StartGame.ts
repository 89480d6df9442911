/** The Phaser game factory: a full-window WebGL canvas with a DOM layer for the menu form. */
import Phaser from "phaser";
import { BootScene } from "../scenes/BootScene.ts";
import { GameScene } from "../scenes/GameScene.ts";
import { MenuScene } from "../scenes/MenuScene.ts";
import { ResultsScene } from "../scenes/ResultsScene.ts";
import { UI } from "../render/palette.ts";
import { SceneKeys, type SceneKey } from "./keys.ts";
import { swapScene } from "./hot-scenes.ts";

/** The running game (for hot module replacement under `npm run dev`). */
let running: Phaser.Game | null = null;

// Under `npm run dev`, an edited scene (or a module only scenes import: render/, ui/, input/)
// replaces the scene in place: a match keeps its room, ship and connection. Not in builds.
if (import.meta.hot) {
  import.meta.hot.accept(
    ["../scenes/GameScene.ts", "../scenes/MenuScene.ts", "../scenes/ResultsScene.ts"],
    ([game, menu, results]) => {
      if (running === null) return;
      const scene = (mod: Record<string, unknown> | undefined, name: string): typeof Phaser.Scene | undefined =>
        mod?.[name] as typeof Phaser.Scene | undefined;
      const swaps: Array<[SceneKey, typeof Phaser.Scene | undefined]> = [
        [SceneKeys.Game, scene(game, "GameScene")],
        [SceneKeys.Menu, scene(menu, "MenuScene")],
        [SceneKeys.Results, scene(results, "ResultsScene")],
      ];
      for (const [key, SceneClass] of swaps) if (SceneClass !== undefined) swapScene(running, key, SceneClass);
    },
  );
}

/** Starts Tick Arena inside the element with id `parent`. */
export function StartGame(parent: string): Phaser.Game {
  running = new Phaser.Game({
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
  return running;
}
