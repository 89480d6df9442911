/**
 * What each sound is made of: plain data the synthesiser (synth.ts) turns into Web Audio nodes.
 * Every sound is a few voices; a voice is an oscillator (tone) or a burst of white noise through
 * a filter, with a pitch (or filter) sweep from `from` to `to` Hz and an envelope: a linear
 * rise to `peak` in `attack` seconds, then an exponential fall to silence at `duration`.
 * No audio files: nothing to license, nothing to download.
 */
import type { SoundName } from "./sound-bus.ts";

interface VoiceBase {
  /** Seconds after the sound starts. */
  readonly start: number;
  readonly attack: number;
  /** Seconds from `start` to silence. */
  readonly duration: number;
  /** Loudest gain of the voice (before the master volume), 0–1. */
  readonly peak: number;
  /** Sweep of the pitch (tone) or of the filter's cut-off (noise), Hz. */
  readonly from: number;
  readonly to: number;
}

/** An oscillator. */
export interface ToneVoice extends VoiceBase {
  readonly kind: "tone";
  readonly wave: "sine" | "square" | "sawtooth" | "triangle";
}

/** White noise through a filter. */
export interface NoiseVoice extends VoiceBase {
  readonly kind: "noise";
  readonly filter: "lowpass" | "highpass" | "bandpass";
  /** The filter's Q (resonance). */
  readonly q: number;
}

export type Voice = ToneVoice | NoiseVoice;

const tone = (
  wave: ToneVoice["wave"],
  from: number,
  to: number,
  start: number,
  duration: number,
  peak: number,
  attack = 0.004,
): ToneVoice => ({ kind: "tone", wave, from, to, start, duration, peak, attack });

const noise = (
  filter: NoiseVoice["filter"],
  from: number,
  to: number,
  start: number,
  duration: number,
  peak: number,
  q = 0.8,
  attack = 0.003,
): NoiseVoice => ({ kind: "noise", filter, from, to, start, duration, peak, q, attack });

/** A short note at a fixed pitch. */
const note = (wave: ToneVoice["wave"], hz: number, start: number, duration: number, peak: number): ToneVoice =>
  tone(wave, hz, hz, start, duration, peak, 0.01);

/** A bright two-step blip: your shot landed. */
const HIT: readonly Voice[] = [tone("triangle", 1500, 1900, 0, 0.07, 0.3), tone("sine", 2400, 2400, 0.03, 0.05, 0.12)];

/** The voices of every sound. */
export const RECIPES: Readonly<Record<SoundName, readonly Voice[]>> = {
  // A falling zap with a click of hiss.
  shot: [tone("square", 1100, 280, 0, 0.09, 0.16), noise("highpass", 3000, 1500, 0, 0.05, 0.12)],
  hit: HIT,
  // A low thud: dull, short, felt more than heard.
  hurt: [
    tone("sine", 220, 70, 0, 0.18, 0.5),
    noise("lowpass", 900, 300, 0, 0.14, 0.35),
    tone("square", 110, 80, 0, 0.12, 0.07),
  ],
  // A blast with a rising three-note flourish.
  kill: [
    noise("lowpass", 2500, 200, 0, 0.45, 0.4),
    note("triangle", 660, 0, 0.08, 0.22),
    note("triangle", 880, 0.07, 0.08, 0.22),
    note("triangle", 1320, 0.14, 0.18, 0.22),
  ],
  // A long, falling explosion.
  death: [noise("lowpass", 1800, 120, 0, 0.8, 0.55), tone("sawtooth", 300, 45, 0, 0.7, 0.18)],
  // A rising shimmer.
  respawn: [tone("sine", 320, 960, 0, 0.28, 0.25, 0.02), tone("triangle", 640, 1920, 0.05, 0.28, 0.1, 0.02)],
  // C E G C, up.
  "match-start": [
    note("square", 523, 0, 0.12, 0.12),
    note("square", 659, 0.13, 0.12, 0.12),
    note("square", 784, 0.26, 0.12, 0.12),
    note("square", 1047, 0.39, 0.35, 0.12),
  ],
  // G E C G, down.
  "match-end": [
    note("triangle", 784, 0, 0.16, 0.22),
    note("triangle", 659, 0.17, 0.16, 0.22),
    note("triangle", 523, 0.34, 0.16, 0.22),
    note("triangle", 392, 0.51, 0.5, 0.22),
  ],
  preview: HIT,
};

/** How long `name` lasts, s. */
export function recipeLength(name: SoundName): number {
  return Math.max(...RECIPES[name].map((v) => v.start + v.duration));
}
