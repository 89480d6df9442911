/**
 * Sound settings remembered in this browser (localStorage): muted or not, and the volume
 * (0–100). A value that is missing, unreadable or out of range falls back to the default; where
 * storage is blocked the settings hold for the visit only.
 */

/** The player's sound settings. */
export interface AudioSettings {
  readonly muted: boolean;
  /** 0 (silent) to 100 (full), whole numbers. */
  readonly volume: number;
}

export const DEFAULT_AUDIO_SETTINGS: AudioSettings = { muted: false, volume: 70 };

/** localStorage keys. */
export const MUTED_KEY = "tickArena.muted";
export const VOLUME_KEY = "tickArena.volume";

/** The storage the settings live in (localStorage, or a stand-in in tests). */
export type SettingsStorage = Pick<Storage, "getItem" | "setItem">;

/** `value` as a volume: a whole number in 0–100, or null if it is no number. */
export function clampVolume(value: number): number | null {
  if (!Number.isFinite(value)) return null;
  return Math.min(100, Math.max(0, Math.round(value)));
}

/** The settings stored in `storage`, defaults for whatever is missing or invalid. */
export function loadAudioSettings(storage: SettingsStorage | undefined = safeLocalStorage()): AudioSettings {
  const read = (key: string): string | null => {
    try {
      return storage?.getItem(key) ?? null;
    } catch {
      return null;
    }
  };
  const muted = read(MUTED_KEY);
  const volume = read(VOLUME_KEY);
  const parsed = volume === null || volume.trim() === "" ? null : clampVolume(Number(volume));
  return {
    muted: muted === "1" ? true : muted === "0" ? false : DEFAULT_AUDIO_SETTINGS.muted,
    volume: parsed ?? DEFAULT_AUDIO_SETTINGS.volume,
  };
}

/** Remembers `settings` (silently skipped where storage is blocked or full). */
export function saveAudioSettings(
  settings: AudioSettings,
  storage: SettingsStorage | undefined = safeLocalStorage(),
): void {
  try {
    storage?.setItem(MUTED_KEY, settings.muted ? "1" : "0");
    storage?.setItem(VOLUME_KEY, String(clampVolume(settings.volume) ?? DEFAULT_AUDIO_SETTINGS.volume));
  } catch {
    // Private mode or storage disabled: the settings last until the page closes.
  }
}

/** The gain of the master output for `volume` (0–100): squared, which sounds evenly spaced. */
export function volumeGain(volume: number): number {
  const v = (clampVolume(volume) ?? 0) / 100;
  return v * v;
}

function safeLocalStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}
