/**
 * Renders the recipes (recipes.ts) with Web Audio nodes: per voice an oscillator, or a
 * looping white-noise buffer through a biquad filter, into its own envelope gain, into the
 * master volume, into a compressor (overlapping sounds do not clip), into the speakers. Nodes
 * are one-shot and freed when their voice ends.
 */
import { RECIPES, type Voice } from "./recipes.ts";
import type { SoundName } from "./sound-bus.ts";

/** Exponential ramps cannot reach 0: this is silence. */
const SILENT = 0.0001;
/** Scheduling lead, s: a voice that starts "now" would lose its first samples. */
const LEAD = 0.005;

export class Synth {
  private readonly master: GainNode;
  private readonly noise: AudioBuffer;

  constructor(
    private readonly ctx: BaseAudioContext,
    gain: number,
  ) {
    this.master = ctx.createGain();
    this.master.gain.value = gain;
    const limiter = ctx.createDynamicsCompressor();
    limiter.threshold.value = -10;
    limiter.ratio.value = 8;
    this.master.connect(limiter).connect(ctx.destination);
    // One second of white noise, shared by every noise voice (each starts at a random offset).
    this.noise = ctx.createBuffer(1, ctx.sampleRate, ctx.sampleRate);
    const samples = this.noise.getChannelData(0);
    for (let i = 0; i < samples.length; i++) samples[i] = Math.random() * 2 - 1;
  }

  /** Sets the master volume (a gain, see settings.ts `volumeGain`), smoothly. */
  setGain(gain: number): void {
    this.master.gain.setTargetAtTime(gain, this.ctx.currentTime, 0.015);
  }

  /** Plays `name` now. */
  play(name: SoundName): void {
    const t0 = this.ctx.currentTime + LEAD;
    for (const voice of RECIPES[name]) this.voice(voice, t0 + voice.start);
  }

  private voice(v: Voice, t: number): void {
    const end = t + v.duration;
    const env = this.ctx.createGain();
    env.gain.setValueAtTime(SILENT, t);
    env.gain.linearRampToValueAtTime(v.peak, t + v.attack);
    env.gain.exponentialRampToValueAtTime(SILENT, end);
    env.connect(this.master);

    let source: AudioScheduledSourceNode;
    if (v.kind === "tone") {
      const osc = this.ctx.createOscillator();
      osc.type = v.wave;
      sweep(osc.frequency, v.from, v.to, t, end);
      osc.connect(env);
      source = osc;
    } else {
      const src = this.ctx.createBufferSource();
      src.buffer = this.noise;
      src.loop = true;
      const filter = this.ctx.createBiquadFilter();
      filter.type = v.filter;
      filter.Q.value = v.q;
      sweep(filter.frequency, v.from, v.to, t, end);
      src.connect(filter).connect(env);
      source = src;
    }
    source.onended = () => {
      source.disconnect();
      env.disconnect();
    };
    if (source instanceof AudioBufferSourceNode) source.start(t, Math.random() * this.noise.duration);
    else source.start(t);
    source.stop(end + 0.02);
  }
}

/** `param` from `from` to `to` between `t` and `end` (exponential: even in pitch). */
function sweep(param: AudioParam, from: number, to: number, t: number, end: number): void {
  param.setValueAtTime(from, t);
  if (to !== from) param.exponentialRampToValueAtTime(to, end);
}
