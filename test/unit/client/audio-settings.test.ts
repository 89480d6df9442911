import { describe, expect, it } from "vitest";
import { GameAudio } from "../../../client/src/audio/game-audio.ts";
import {
  clampVolume,
  DEFAULT_AUDIO_SETTINGS,
  loadAudioSettings,
  MUTED_KEY,
  saveAudioSettings,
  VOLUME_KEY,
  volumeGain,
} from "../../../client/src/audio/settings.ts";

/** A Storage stand-in over a Map. */
function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
  };
}

describe("sound settings", () => {
  it("default to sound on at 70 when nothing is stored", () => {
    expect(loadAudioSettings(memoryStorage())).toEqual({ muted: false, volume: 70 });
    expect(loadAudioSettings(undefined)).toEqual(DEFAULT_AUDIO_SETTINGS);
  });

  it("are remembered across visits", () => {
    const storage = memoryStorage();
    saveAudioSettings({ muted: true, volume: 35 }, storage);
    expect(storage.data.get(MUTED_KEY)).toBe("1");
    expect(storage.data.get(VOLUME_KEY)).toBe("35");
    expect(loadAudioSettings(storage)).toEqual({ muted: true, volume: 35 });
    saveAudioSettings({ muted: false, volume: 0 }, storage);
    expect(loadAudioSettings(storage)).toEqual({ muted: false, volume: 0 });
  });

  it("fall back to the defaults for values that are garbage, and clamp the volume", () => {
    expect(loadAudioSettings(memoryStorage({ [MUTED_KEY]: "yes", [VOLUME_KEY]: "loud" }))).toEqual(
      DEFAULT_AUDIO_SETTINGS,
    );
    expect(loadAudioSettings(memoryStorage({ [VOLUME_KEY]: "" })).volume).toBe(70);
    expect(loadAudioSettings(memoryStorage({ [VOLUME_KEY]: "250" })).volume).toBe(100);
    expect(loadAudioSettings(memoryStorage({ [VOLUME_KEY]: "-4" })).volume).toBe(0);
    expect(loadAudioSettings(memoryStorage({ [VOLUME_KEY]: "33.6" })).volume).toBe(34);
    expect(clampVolume(Number.NaN)).toBeNull();
  });

  it("survive a storage that throws", () => {
    const broken = {
      getItem: (): string | null => {
        throw new Error("denied");
      },
      setItem: (): void => {
        throw new Error("denied");
      },
    };
    expect(loadAudioSettings(broken)).toEqual(DEFAULT_AUDIO_SETTINGS);
    expect(() => saveAudioSettings({ muted: true, volume: 10 }, broken)).not.toThrow();
  });

  it("map the volume to a gain that rises evenly to the ear", () => {
    expect([0, 50, 100].map(volumeGain)).toEqual([0, 0.25, 1]);
  });
});

describe("GameAudio", () => {
  it("loads, changes and saves the settings, and tells listeners", () => {
    const storage = memoryStorage({ [VOLUME_KEY]: "40" });
    const audio = new GameAudio(storage);
    expect([audio.muted, audio.volume]).toEqual([false, 40]);
    const seen: string[] = [];
    const off = audio.onChange((s) => seen.push(`${s.muted}/${s.volume}`));
    audio.toggleMuted();
    audio.setVolume(55.2);
    audio.setVolume(Number.NaN);
    off();
    audio.toggleMuted();
    expect(seen).toEqual(["true/40", "true/55"]);
    expect(loadAudioSettings(storage)).toEqual({ muted: false, volume: 55 });
    expect(audio.probe().soundSettings()).toEqual({ muted: false, volume: 55 });
  });

  it("plays nothing and has no AudioContext before a gesture", () => {
    const audio = new GameAudio(memoryStorage());
    audio.play("kill");
    const probe = audio.probe();
    expect(probe.sounds()).toEqual([]);
    expect(probe.suppressedSounds()).toEqual([]);
    expect(probe.audioUnlocked()).toBe(false);
    expect(probe.audioState()).toBe("none");
  });

  it("ignores untrusted events, and unlocks once a gesture has the context running", async () => {
    const contexts: FakeContext[] = [];
    class FakeContext {
      state: "suspended" | "running" = "suspended";
      private readonly onState: (() => void)[] = [];
      constructor() {
        contexts.push(this);
      }
      addEventListener(_: string, fn: () => void): void {
        this.onState.push(fn);
      }
      async resume(): Promise<void> {
        this.state = "running";
        for (const fn of this.onState) fn();
      }
      // What the synthesiser needs to build its output.
      sampleRate = 8000;
      currentTime = 0;
      destination = {};
      createGain = () => ({ gain: { value: 1 }, connect: (n: unknown) => n });
      createDynamicsCompressor = () => ({ threshold: { value: 0 }, ratio: { value: 0 }, connect: (n: unknown) => n });
      createBuffer = (_c: number, length: number) => ({ getChannelData: () => new Float32Array(length) });
    }
    const listeners = new Map<string, (event: { isTrusted: boolean }) => void>();
    const target = {
      addEventListener: (type: string, fn: (event: { isTrusted: boolean }) => void) => listeners.set(type, fn),
      removeEventListener: (type: string) => listeners.delete(type),
    };
    const saved = globalThis.AudioContext;
    globalThis.AudioContext = FakeContext as unknown as typeof AudioContext;
    try {
      const audio = new GameAudio(memoryStorage({ [MUTED_KEY]: "1" }));
      audio.arm(target as unknown as EventTarget);
      expect([...listeners.keys()].sort()).toEqual(
        ["click", "keydown", "mousedown", "pointerdown", "touchend", "touchstart"].sort(),
      );
      listeners.get("keydown")!({ isTrusted: false });
      expect(contexts).toHaveLength(0);
      listeners.get("pointerdown")!({ isTrusted: true });
      expect(contexts).toHaveLength(1);
      await Promise.resolve();
      expect(audio.probe().audioUnlocked()).toBe(true);
      expect(audio.probe().audioState()).toBe("running");
      expect(listeners.size).toBe(0);
      // Muted since the last visit: decided, recorded as suppressed, not played.
      audio.play("kill");
      expect(audio.probe().sounds()).toEqual([]);
      expect(
        audio
          .probe()
          .suppressedSounds()
          .map((s) => s.name),
      ).toEqual(["kill"]);
    } finally {
      globalThis.AudioContext = saved;
    }
  });
});
