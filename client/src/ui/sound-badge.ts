/**
 * The speaker in the bottom-right corner of a match: shows whether sound is on (and its
 * volume) or muted; clicking it, or the M key, toggles mute. DOM, like the room badge.
 */
import type { GameAudio } from "../audio/game-audio.ts";
import type { AudioSettings } from "../audio/settings.ts";

const STYLE_ID = "sound-badge-style";
const STYLE = `
.sound-badge { position: fixed; right: 12px; bottom: 12px; z-index: 20; display: flex; gap: 6px;
  transform: scale(var(--hud-dom-scale, 1)); transform-origin: right bottom;
  align-items: center; padding: 4px 10px; border-radius: 8px; border: 1px solid #2c3a58;
  background: rgba(10, 14, 24, 0.78); color: #e6edf7; font: 600 13px system-ui, sans-serif; cursor: pointer; }
.sound-badge[data-muted="true"] { color: #8d9bb8; }
.sound-badge kbd { font: 600 11px ui-monospace, monospace; padding: 0 4px; border: 1px solid #44506a;
  border-radius: 4px; color: #8d9bb8; }
@media (max-width: 480px) { .sound-badge { right: 6px; bottom: 6px; font-size: 12px; } }`;

/** The label for `settings`: the volume, or "Muted" (next to a speaker icon). */
export function soundLabel(settings: AudioSettings): string {
  return settings.muted ? "Muted" : `${settings.volume}%`;
}

const SVG = "http://www.w3.org/2000/svg";

/**
 * A speaker icon (inline SVG in the text colour: emoji speakers are missing from many fonts),
 * with sound waves, or crossed out when `muted`.
 */
export function speakerIcon(muted: boolean): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "16");
  svg.setAttribute("height", "16");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("fill", "none");
  svg.setAttribute("stroke", "currentColor");
  svg.setAttribute("stroke-width", "2");
  svg.setAttribute("stroke-linecap", "round");
  svg.setAttribute("stroke-linejoin", "round");
  svg.style.flex = "none";
  const paths = [
    "M3 9v6h4l5 4V5L7 9z",
    ...(muted ? ["M16 9l6 6", "M22 9l-6 6"] : ["M16 8.5a5 5 0 0 1 0 7", "M18.5 6a8.5 8.5 0 0 1 0 12"]),
  ];
  for (const d of paths) {
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", d);
    if (d.startsWith("M3")) path.setAttribute("fill", "currentColor");
    svg.append(path);
  }
  return svg;
}

export class SoundBadge {
  private readonly root: HTMLButtonElement;
  private icon: SVGSVGElement;
  private readonly text: HTMLSpanElement;
  private readonly unsubscribe: () => void;

  constructor(parent: HTMLElement, audio: GameAudio) {
    if (document.getElementById(STYLE_ID) === null) {
      const style = document.createElement("style");
      style.id = STYLE_ID;
      style.textContent = STYLE;
      document.head.append(style);
    }
    this.root = document.createElement("button");
    this.root.type = "button";
    this.root.className = "sound-badge";
    this.root.dataset["testid"] = "sound-badge";
    this.root.title = "Sound on/off (M)";
    // Never keeps the focus: Space (fire) would press it again.
    this.root.tabIndex = -1;
    this.root.addEventListener("mousedown", (event) => event.preventDefault());
    this.root.addEventListener("click", () => {
      audio.toggleMuted();
      this.root.blur();
    });
    this.icon = speakerIcon(false);
    this.text = document.createElement("span");
    const key = document.createElement("kbd");
    key.textContent = "M";
    this.root.append(this.icon, this.text, key);
    parent.append(this.root);
    this.show({ muted: audio.muted, volume: audio.volume });
    this.unsubscribe = audio.onChange((settings) => this.show(settings));
  }

  private show(settings: AudioSettings): void {
    const icon = speakerIcon(settings.muted);
    this.icon.replaceWith(icon);
    this.icon = icon;
    this.text.textContent = soundLabel(settings);
    this.root.dataset["muted"] = String(settings.muted);
    this.root.setAttribute("aria-pressed", String(settings.muted));
    this.root.setAttribute("aria-label", settings.muted ? "Sound muted (M)" : "Sound on (M)");
  }

  /** The element on screen (the HUD test hook reports its box). */
  get element(): HTMLElement {
    return this.root;
  }

  destroy(): void {
    this.unsubscribe();
    this.root.remove();
  }
}
