/**
 * The menu's sound settings: a mute switch and a volume slider (0–100), both remembered
 * (audio/settings.ts). Letting go of the slider plays a sample at the new volume.
 */
import type { GameAudio } from "../audio/game-audio.ts";
import type { AudioSettings } from "../audio/settings.ts";
import { speakerIcon } from "./sound-badge.ts";

/** The row inside the menu form. */
export const SOUND_SETTINGS_HTML = `
  <div class="row sound-settings">
    <button id="mute" type="button" aria-label="Mute" aria-pressed="false" data-testid="mute"></button>
    <input id="volume" type="range" min="0" max="100" step="1" aria-label="Volume" data-testid="volume" />
    <output id="volume-value" for="volume" aria-hidden="true"></output>
  </div>`;

const STYLE_ID = "sound-settings-style";
const STYLE = `
.menu-form .sound-settings { align-items: center; }
.menu-form .sound-settings button { flex: none; display: flex; align-items: center; gap: 7px; min-width: 118px; padding: 7px 12px; font-size: 14px; font-weight: 700;
  color: #e8eefc; background: #1b2640; border: 1px solid #34446a; }
.menu-form .sound-settings button[aria-pressed="true"] { color: #8d9bb8; }
.menu-form .sound-settings input[type="range"] { flex: 1; min-width: 60px; padding: 0; margin: 0; height: 28px;
  background: none; border: 0; box-shadow: none; accent-color: #3ef0b4; cursor: pointer; }
.menu-form .sound-settings output { flex: none; width: 40px; text-align: right; font-size: 14px; color: #8d9bb8;
  font-variant-numeric: tabular-nums; }
@media (max-width: 399px) {
  /* A narrow window: the row gives its slider and labels less room, and wraps the Keys button
     (ui/key-settings.ts) to a line of its own rather than push it out of the form. */
  .menu-form .sound-settings { flex-wrap: wrap; row-gap: 8px; }
  .menu-form .sound-settings button { min-width: 0; padding: 7px 10px; }
  .menu-form .sound-settings input[type="range"] { min-width: 48px; }
  .menu-form .sound-settings output { width: 34px; }
}`;

/** Element lookup of the menu's DOM form (Phaser's `DOMElement.getChildByID`). */
interface FormRoot {
  getChildByID(id: string): Element | null;
}

/** Wires the row to `audio`; returns the function that unhooks it. */
export function bindSoundSettings(form: FormRoot, audio: GameAudio): () => void {
  if (document.getElementById(STYLE_ID) === null) {
    const style = document.createElement("style");
    style.id = STYLE_ID;
    style.textContent = STYLE;
    document.head.append(style);
  }
  const mute = form.getChildByID("mute") as HTMLButtonElement;
  const volume = form.getChildByID("volume") as HTMLInputElement;
  const shown = form.getChildByID("volume-value") as HTMLOutputElement;
  const show = (s: AudioSettings): void => {
    mute.replaceChildren(speakerIcon(s.muted), s.muted ? "Sound off" : "Sound on");
    mute.setAttribute("aria-pressed", String(s.muted));
    volume.value = String(s.volume);
    shown.textContent = `${s.volume}%`;
  };
  show({ muted: audio.muted, volume: audio.volume });
  mute.addEventListener("click", () => audio.toggleMuted());
  volume.addEventListener("input", () => audio.setVolume(Number(volume.value)));
  volume.addEventListener("change", () => audio.play("preview"));
  return audio.onChange(show);
}
