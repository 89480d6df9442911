/** The nickname typed in the menu: validation with the shared rule, and remembering it. */
import { nicknameSchema } from "../../../shared/protocol.ts";

const STORAGE_KEY = "tickArena.nickname";

/** A checked nickname, or why it was refused. */
export type NicknameCheck =
  { readonly ok: true; readonly name: string } | { readonly ok: false; readonly reason: string };

/** Checks `raw` with the protocol's nickname rule; the reason reads as a sentence. */
export function checkNickname(raw: string): NicknameCheck {
  const parsed = nicknameSchema.safeParse(raw);
  if (parsed.success) return { ok: true, name: parsed.data };
  const message = parsed.error.issues[0]?.message ?? "invalid nickname";
  return { ok: false, reason: `${message.charAt(0).toUpperCase()}${message.slice(1)}.` };
}

/**
 * Why what is typed in the field cannot be sent, or null when it can (an empty field is fine:
 * Play fills in a generated name). Shown as the player types, so a pasted name over either
 * bound (16 characters, 96 UTF-16 code units) says why at once instead of being cut.
 */
export function typedNicknameProblem(raw: string): string | null {
  if (raw.trim() === "") return null;
  const check = checkNickname(raw);
  return check.ok ? null : check.reason;
}

/** The last nickname used in this browser, or "". */
export function loadNickname(storage: Pick<Storage, "getItem"> | undefined = safeStorage()): string {
  try {
    return storage?.getItem(STORAGE_KEY) ?? "";
  } catch {
    return "";
  }
}

/** Remembers `name` for next time (silently skipped where storage is blocked). */
export function saveNickname(name: string, storage: Pick<Storage, "setItem"> | undefined = safeStorage()): void {
  try {
    storage?.setItem(STORAGE_KEY, name);
  } catch {
    // Private mode or storage disabled: the name just is not remembered.
  }
}

function safeStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}
