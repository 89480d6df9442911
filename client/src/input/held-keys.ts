/**
 * Which bound actions are held on the keyboard, from the window's key events (as Phaser's
 * keyboard plugin listens: keys typed into the chat field stop at the chat panel and never
 * count). A key is remembered by its physical code between press and release, so a release
 * with another Shift state still lets go of it. Losing focus lets go of everything.
 *
 * Not Phaser's `addKey` Key objects: those are fixed per key code when a scene creates them,
 * while bindings name keys by what they type (bindings.ts `keyName`) and change while a match
 * runs (the Keys panel), and a press and its release can carry different names (Shift).
 */
import { actionOf, keyName, type Action, type Bindings } from "./bindings.ts";

export interface HeldKeysHandlers {
  /** A bound key went down (not a repeat). */
  onPress?(action: Action, event: KeyboardEvent): void;
  /** A bound key went up, or the window lost focus while it was held. */
  onRelease?(action: Action): void;
}

export class HeldKeys {
  /** Held keys: physical code → key name at the press. */
  private readonly held = new Map<string, string>();
  private readonly cleanups: Array<() => void> = [];

  constructor(
    target: Window,
    private bindings: Bindings,
    private readonly handlers: HeldKeysHandlers = {},
  ) {
    const down = (event: KeyboardEvent): void => {
      const name = keyName(event);
      if (name === null) return;
      const action = actionOf(this.bindings, name);
      // The scoreboard key (Tab by default) must not move the focus meanwhile.
      if (action === "scores") event.preventDefault();
      const wasHeld = this.held.has(event.code || name);
      this.held.set(event.code || name, name);
      if (action !== null && !event.repeat && !wasHeld) this.handlers.onPress?.(action, event);
    };
    const up = (event: KeyboardEvent): void => {
      const id = event.code || keyName(event) || "";
      const name = this.held.get(id) ?? keyName(event);
      this.held.delete(id);
      const action = name === null ? null : actionOf(this.bindings, name);
      if (action !== null && !this.isDown(action)) this.handlers.onRelease?.(action);
    };
    const blur = (): void => {
      const names = [...this.held.values()];
      this.held.clear();
      for (const name of names) {
        const action = actionOf(this.bindings, name);
        if (action !== null) this.handlers.onRelease?.(action);
      }
    };
    target.addEventListener("keydown", down);
    target.addEventListener("keyup", up);
    target.addEventListener("blur", blur);
    this.cleanups.push(
      () => target.removeEventListener("keydown", down),
      () => target.removeEventListener("keyup", up),
      () => target.removeEventListener("blur", blur),
    );
  }

  /** Whether any key of `action` is held. */
  isDown(action: Action): boolean {
    const keys = this.bindings[action];
    for (const name of this.held.values()) if (keys.includes(name)) return true;
    return false;
  }

  /** Uses other bindings from now on. */
  setBindings(bindings: Bindings): void {
    this.bindings = bindings;
  }

  destroy(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.held.clear();
  }
}
