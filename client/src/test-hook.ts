/**
 * The read-only hook end-to-end tests use to see what the client draws
 * (`window.__tickArena`). Scenes set it; nothing in the game reads it.
 */
import type { LiveEvent } from "../../shared/live.ts";
import type { FiredSound } from "./audio/sound-bus.ts";
import type { AudioSettings } from "./audio/settings.ts";

/** A ship as drawn: the position of its game object, and whether the ship (not a wreck) shows. */
export interface ShipProbe {
  readonly id: string;
  readonly name: string;
  readonly x: number;
  readonly y: number;
  readonly visible: boolean;
}

/** Sound, on every scene (see client/src/audio/). */
export interface AudioHook {
  /** Sounds played (sent to the speakers), oldest first, `at` in performance.now() ms. */
  sounds(): FiredSound[];
  /** Sounds that fired while muted (or at volume 0): decided, not played. */
  suppressedSounds(): FiredSound[];
  /** Whether a user gesture has unlocked audio (the AudioContext runs). */
  audioUnlocked(): boolean;
  /** The AudioContext's state, or "none" while there is none (before the first gesture). */
  audioState(): string;
  /** The remembered sound settings. */
  soundSettings(): AudioSettings;
}

/** Key bindings, on the menu and in a match. */
export interface KeysHook {
  /** The remembered key bindings: the keys of each action, primary first (input/bindings.ts). */
  keyBindings(): Readonly<Record<string, readonly string[]>>;
}

/** `window.__tickArena` while the menu shows. */
export interface MenuHook extends AudioHook, KeysHook {
  readonly scene: "menu";
  /** The events the "live now" panel shows, newest first. */
  liveEvents(): LiveEvent[];
  /** The title's and tagline's boxes on screen, CSS px. */
  headings(): { readonly title: HudBox; readonly tagline: HudBox };
}

/** `window.__tickArena` while a match runs. */
export interface GameHook extends AudioHook, KeysHook {
  readonly scene: "game";
  /** Your session id in the room. */
  readonly selfId: string;
  /** When this match scene started, performance.now() ms (a hot-swapped scene starts anew). */
  readonly createdAt: number;
  /** The room's id (a private room's join code). */
  readonly roomId: string;
  /** "player" or "spectator" once the server's welcome arrived, else null. */
  role(): string | null;
  /** Every ship currently drawn. */
  ships(): ShipProbe[];
  /** The camera: world coordinates of the canvas's top-left corner, and the zoom. */
  view(): { readonly x: number; readonly y: number; readonly zoom: number };
  /** The live events received in this match as the `live` room message, oldest first. */
  liveEvents(): LiveEvent[];
  /**
   * Every HUD panel on screen now, by name, in CSS pixels from the page's top-left corner:
   * `score`, `clock`, `net` (ping and players), `hint` (while it shows), `banner`, `respawn`,
   * `feed0`… (kill feed lines), `moveStick`/`aimStick` (touch), and the DOM panels `chat`,
   * `sound`, `room`.
   */
  hudBoxes(): Record<string, HudBox>;
  /** The text of the controls hint. */
  hudHint(): string;
  /** The text of the score panel (top left): your kills and deaths, or whom a spectator watches. */
  hudScore(): string;
  /** A spectator: the id of the pilot the camera follows (null: none, or not a spectator). */
  watched(): string | null;
  /** The thumb sticks a finger holds now (base and knob, CSS px), null where none. */
  touchSticks(): { readonly move: StickProbe | null; readonly aim: StickProbe | null };
}

/** A held thumb stick: its base and its knob, CSS px. */
export interface StickProbe {
  readonly baseX: number;
  readonly baseY: number;
  readonly knobX: number;
  readonly knobY: number;
}

/** A screen rectangle in CSS pixels. */
export interface HudBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The shape of `window.__tickArena`. */
export type TickArenaHook = MenuHook | GameHook;

/** Publishes the hook. */
export function setTestHook(hook: TickArenaHook): void {
  window.__tickArena = hook;
}
