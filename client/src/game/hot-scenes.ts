/**
 * Development only (Vite HMR): editing a scene, or a module only scenes import (render/,
 * ui/, input/ …), swaps the scene class in the running game instead of reloading the page. A
 * running match keeps its session (same room, same ship, no reconnect): the old GameScene
 * hands its session over and shuts down, the new one starts with it. The menu and the results
 * overlay simply restart. Anything else (net/, the game factory) still reloads the page, and a
 * reload resumes the same ship (net/resume-token.ts).
 */
import type Phaser from "phaser";
import { SceneKeys, type SceneKey } from "./keys.ts";

/** A scene that can hand its running state to its replacement (GameScene: the session). */
interface HandsOver {
  handOver(): object;
}

function handsOver(scene: Phaser.Scene): scene is Phaser.Scene & HandsOver {
  return typeof (scene as Partial<HandsOver>).handOver === "function";
}

/** Replaces the scene `key` of `game` by `SceneClass`, restarting it with its state if it ran. */
export function swapScene(game: Phaser.Game, key: SceneKey, SceneClass: typeof Phaser.Scene): void {
  const scenes = game.scene;
  const old = scenes.getScene(key);
  if (old === null) return;
  const running = scenes.isActive(key) || scenes.isPaused(key);
  const data: object | undefined = running ? (handsOver(old) ? old.handOver() : old.sys.settings.data) : undefined;
  // stop() runs the scene's SHUTDOWN teardown (remove() alone would not).
  if (running) scenes.stop(key);
  scenes.remove(key);
  scenes.add(key, SceneClass, running, data);
  // The results overlay draws above the match.
  if (scenes.getScene(SceneKeys.Results) !== null) scenes.bringToTop(SceneKeys.Results);
  console.info(`[hmr] ${key} scene replaced${running ? " and restarted" : ""}`);
}
