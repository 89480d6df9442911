/**
 * The page's sound: one per page, shared by the menu and the match. It owns the remembered
 * settings (settings.ts), the {@link SoundBus} every sound goes through, and, after the first
 * user gesture, the AudioContext and the synthesiser.
 *
 * Autoplay rules: no AudioContext exists until a trusted pointerdown / mousedown / keydown /
 * touchstart / touchend / click on the page. That handler creates (or resumes) it; once it
 * runs, the bus is unlocked and the listeners go away. Before that, `fire` plays and records
 * nothing.
 *
 * Why Web Audio directly rather than Phaser's sound manager: Phaser plays decoded audio files
 * from its cache and has no oscillators or noise; it creates its AudioContext when the game
 * boots, before any gesture (so the game config turns Phaser's audio off, see StartGame.ts);
 * and its sounds belong to a scene, while ours must outlive the menu → match switch. Procedural
 * sounds are a dozen nodes each, so the engine's manager would add nothing but that context.
 */
import type { AudioHook } from "../test-hook.ts";
import { SoundBus, type SoundName } from "./sound-bus.ts";
import {
  clampVolume,
  loadAudioSettings,
  saveAudioSettings,
  volumeGain,
  type AudioSettings,
  type SettingsStorage,
} from "./settings.ts";
import { Synth } from "./synth.ts";

/** Events that count as the user's gesture for the browser's autoplay rules. */
const GESTURES = ["pointerdown", "mousedown", "keydown", "touchstart", "touchend", "click"] as const;

export class GameAudio {
  readonly bus: SoundBus;
  private settings: AudioSettings;
  private ctx: AudioContext | null = null;
  private synth: Synth | null = null;
  private target: EventTarget | null = null;
  private readonly listeners = new Set<(settings: AudioSettings) => void>();

  constructor(private readonly storage?: SettingsStorage) {
    this.settings = loadAudioSettings(storage);
    this.bus = new SoundBus({ sink: (name) => this.synth?.play(name) });
    this.bus.setSilent(this.silent());
  }

  /** Waits for the first user gesture on `target` (the window). */
  arm(target: EventTarget): void {
    if (this.target !== null || this.bus.unlocked) return;
    this.target = target;
    for (const type of GESTURES) target.addEventListener(type, this.onGesture, { capture: true, passive: true });
  }

  /** Plays `name` now (if unlocked, not muted, and not rate-limited). */
  play(name: SoundName): void {
    this.bus.fire(name, performance.now());
  }

  get muted(): boolean {
    return this.settings.muted;
  }

  get volume(): number {
    return this.settings.volume;
  }

  setMuted(muted: boolean): void {
    this.update({ ...this.settings, muted });
  }

  toggleMuted(): void {
    this.setMuted(!this.settings.muted);
  }

  /** Sets the volume, 0–100. */
  setVolume(volume: number): void {
    const v = clampVolume(volume);
    if (v !== null) this.update({ ...this.settings, volume: v });
  }

  /** Calls `listener` whenever the settings change; returns the unsubscribe function. */
  onChange(listener: (settings: AudioSettings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The AudioContext's state, or "none" before the first gesture created it. */
  state(): string {
    return this.ctx?.state ?? "none";
  }

  /** What the test hook shows of the sound. */
  probe(): AudioHook {
    return {
      sounds: () => this.bus.played(),
      suppressedSounds: () => this.bus.suppressed(),
      audioUnlocked: () => this.bus.unlocked,
      audioState: () => this.state(),
      soundSettings: () => ({ ...this.settings }),
    };
  }

  private silent(): boolean {
    return this.settings.muted || this.settings.volume === 0;
  }

  private update(next: AudioSettings): void {
    if (next.muted === this.settings.muted && next.volume === this.settings.volume) return;
    this.settings = next;
    saveAudioSettings(next, this.storage);
    this.bus.setSilent(this.silent());
    this.synth?.setGain(volumeGain(next.volume));
    for (const listener of this.listeners) listener(next);
  }

  private readonly onGesture = (event: Event): void => {
    if (!event.isTrusted) return;
    if (this.ctx === null) {
      const Ctor = globalThis.AudioContext as typeof AudioContext | undefined;
      if (Ctor === undefined) return this.disarm();
      try {
        this.ctx = new Ctor({ latencyHint: "interactive" });
      } catch {
        return this.disarm();
      }
      this.synth = new Synth(this.ctx, volumeGain(this.settings.volume));
      this.ctx.addEventListener("statechange", () => this.checkRunning());
    }
    if (this.ctx.state === "running") this.checkRunning();
    else
      this.ctx.resume().then(
        () => this.checkRunning(),
        () => undefined, // not a gesture the browser accepts (e.g. Esc): the next one will do
      );
  };

  private checkRunning(): void {
    if (this.ctx?.state !== "running" || this.bus.unlocked) return;
    this.bus.unlock(performance.now());
    this.disarm();
  }

  private disarm(): void {
    for (const type of GESTURES) this.target?.removeEventListener(type, this.onGesture, { capture: true });
    this.target = null;
  }
}

let page: GameAudio | null = null;

/** The page's sound, created (and waiting for the first gesture) on first use. */
export function gameAudio(): GameAudio {
  if (page === null) {
    page = new GameAudio();
    page.arm(window);
  }
  return page;
}
