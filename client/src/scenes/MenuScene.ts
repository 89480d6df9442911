/**
 * The title screen: nickname field (remembered), Play button or Enter, validation with the
 * shared nickname rule, and readable connection errors. On success it starts the match.
 */
import Phaser from "phaser";
import { ARENA_MAP } from "../../../shared/map.ts";
import { SceneKeys } from "../game/keys.ts";
import { parseNetworkConditions } from "../net/network-sim.ts";
import { rejoin } from "../net/rejoin.ts";
import { tabTokenStore, type TokenStore } from "../net/resume-token.ts";
import { GameSession, type SessionOptions } from "../net/session.ts";
import { serverUrl } from "../net/server-url.ts";
import { drawArena } from "../render/arena.ts";
import { UI } from "../render/palette.ts";
import { setTestHook } from "../test-hook.ts";
import { clampNickname, generatedNickname, NICKNAME_MAX_CODE_UNITS } from "../../../shared/names.ts";
import { checkNickname, loadNickname, saveNickname } from "../ui/nickname.ts";

/** What other scenes pass when they return to the menu. */
export interface MenuData {
  /** A message to show, e.g. why the last match ended. */
  readonly notice?: string;
  /** Whether the notice reports a problem (red) or just information. */
  readonly noticeIsError?: boolean;
  /** The server ended the match (restart, lost connection): quick-play again by itself. */
  readonly rejoin?: boolean;
}

const FORM_HTML = `
<form class="menu-form" autocomplete="off" novalidate>
  <label for="nickname">Pilot name</label>
  <div class="row">
    <input id="nickname" name="nickname" type="text" maxlength="${NICKNAME_MAX_CODE_UNITS}" placeholder="Your nickname" spellcheck="false" />
    <button id="play" type="submit">Play</button>
  </div>
  <p id="menu-status" class="menu-status" role="status" aria-live="polite"></p>
</form>`;

/** Above the drifting arena. */
const OVERLAY_DEPTH = 100;

export class MenuScene extends Phaser.Scene {
  private notice = "";
  private noticeIsError = true;
  private busy = false;
  private rejoinRequested = false;
  private veil!: Phaser.GameObjects.Rectangle;
  private title!: Phaser.GameObjects.Text;
  private tagline!: Phaser.GameObjects.Text;
  private form!: Phaser.GameObjects.DOMElement;
  private nameField!: HTMLInputElement;
  private button!: HTMLButtonElement;
  private status!: HTMLElement;

  constructor() {
    super(SceneKeys.Menu);
  }

  init(data: MenuData): void {
    this.notice = data.notice ?? "";
    this.noticeIsError = data.noticeIsError ?? true;
    this.rejoinRequested = data.rejoin ?? false;
    this.busy = false;
  }

  create(): void {
    setTestHook({ scene: "menu" });
    drawArena(this, ARENA_MAP);
    this.veil = this.add
      .rectangle(0, 0, 10, 10, UI.background, 0.62)
      .setOrigin(0, 0)
      .setScrollFactor(0)
      .setDepth(OVERLAY_DEPTH);
    this.title = this.add
      .text(0, 0, "TICK ARENA", {
        fontFamily: "system-ui, 'Segoe UI', Roboto, sans-serif",
        fontSize: "64px",
        fontStyle: "900",
        color: UI.text,
        stroke: "#05070d",
        strokeThickness: 8,
        // Room for the glow, which is clipped to the text's canvas.
        padding: { x: 32, y: 32 },
      })
      .setOrigin(0.5, 0.5)
      .setShadow(0, 0, UI.accent, 24, true, true)
      .setScrollFactor(0)
      .setDepth(OVERLAY_DEPTH);
    this.tagline = this.add
      .text(0, 0, "Real-time multiplayer arena  ·  last pilot standing wins nothing but glory", {
        fontFamily: "system-ui, 'Segoe UI', Roboto, sans-serif",
        fontSize: "16px",
        color: UI.textDim,
      })
      .setOrigin(0.5, 0)
      .setScrollFactor(0)
      .setDepth(OVERLAY_DEPTH);

    this.form = this.add.dom(0, 0).createFromHTML(FORM_HTML).setScrollFactor(0);
    this.nameField = this.form.getChildByID("nickname") as HTMLInputElement;
    this.button = this.form.getChildByID("play") as HTMLButtonElement;
    this.status = this.form.getChildByID("menu-status") as HTMLElement;
    this.nameField.value = loadNickname();
    // The field holds at most as many characters (grapheme clusters) as the server accepts.
    this.nameField.addEventListener("input", () => {
      const clamped = clampNickname(this.nameField.value);
      if (clamped !== this.nameField.value) this.nameField.value = clamped;
    });
    this.form.addListener("submit");
    this.form.on("submit", (event: Event) => {
      event.preventDefault();
      void this.play();
    });
    this.input.keyboard?.on("keydown-ENTER", () => {
      if (document.activeElement !== this.nameField) void this.play();
    });
    this.showStatus(this.notice, this.notice && this.noticeIsError ? "error" : "idle");

    this.layout(this.scale.width, this.scale.height);
    this.scale.on(Phaser.Scale.Events.RESIZE, this.onResize, this);
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () =>
      this.scale.off(Phaser.Scale.Events.RESIZE, this.onResize, this),
    );
    this.nameField.focus();
    if (this.rejoinRequested) void this.rejoinAfterServerLoss();
    else void this.resumeAfterReload();
  }

  /**
   * The server ended the match (a restart, a crash, a connection lost for good): quick-play
   * again by itself, with backoff, showing the countdown. Esc cancels.
   */
  private async rejoinAfterServerLoss(): Promise<void> {
    const check = checkNickname(this.nameField.value || generatedNickname());
    if (!check.ok) return;
    this.setBusy(true);
    let cancelled = false;
    const cancel = (): void => {
      cancelled = true;
    };
    this.input.keyboard?.once("keydown-ESC", cancel);
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, cancel);
    const started = performance.now();
    const session = await rejoin({
      attempt: () => GameSession.connect(serverUrl(), check.name, this.sessionOptions(tabTokenStore())),
      countdown: (left, attempt) =>
        this.showStatus(`${this.notice} Rejoining in ${left} s (attempt ${attempt}) · Esc to cancel`, "busy"),
      wait: (ms) =>
        new Promise<boolean>((resolve) => {
          if (cancelled) return resolve(false);
          this.time.delayedCall(ms, () => resolve(!cancelled));
        }),
      elapsed: () => performance.now() - started,
    });
    this.input.keyboard?.off("keydown-ESC", cancel);
    if (session !== null && this.sys.isActive()) {
      this.scene.start(SceneKeys.Game, { session });
      return;
    }
    session?.dispose();
    if (!this.sys.isActive()) return;
    this.setBusy(false);
    this.showStatus(
      cancelled ? "Stopped rejoining. Press Play when you are ready." : this.notice,
      cancelled ? "idle" : "error",
    );
  }

  /**
   * A page reload in the middle of a match: the tab still holds the seat's reconnection token,
   * so rejoin the same ship (same score, no ghost left behind) instead of showing the menu.
   */
  private async resumeAfterReload(): Promise<void> {
    const tokens = tabTokenStore();
    const token = tokens.load();
    if (token === null || this.busy) return;
    this.setBusy(true);
    this.showStatus("Rejoining your match…", "busy");
    try {
      const session = await GameSession.resume(serverUrl(), token, this.sessionOptions(tokens));
      if (!this.sys.isActive()) {
        session.dispose();
        return;
      }
      this.scene.start(SceneKeys.Game, { session });
    } catch {
      tokens.clear();
      this.setBusy(false);
      this.showStatus("Your last match is over. Press Play for a new one.", "idle");
    }
  }

  /** Session options of this page: the simulated network from its address, the tab's token store. */
  private sessionOptions(tokens: TokenStore): SessionOptions {
    // `?lag=150&jitter=30&loss=1` in the page's address simulates a slow link (network-sim.ts).
    const network = parseNetworkConditions(window.location.search);
    return network === null ? { tokenStore: tokens } : { tokenStore: tokens, network };
  }

  override update(time: number): void {
    // The arena drifts slowly behind the title.
    const spanX = Math.max(0, ARENA_MAP.width - this.scale.width);
    const spanY = Math.max(0, ARENA_MAP.height - this.scale.height);
    this.cameras.main.setScroll((spanX / 2) * (1 + Math.sin(time / 23000)), (spanY / 2) * (1 + Math.cos(time / 17000)));
  }

  private onResize(size: Phaser.Structs.Size): void {
    this.layout(size.width, size.height);
  }

  private layout(width: number, height: number): void {
    this.veil.setSize(width, height);
    this.title.setPosition(width / 2, height * 0.36 - 40);
    this.tagline.setPosition(width / 2, height * 0.36 + 10);
    this.form.setPosition(width / 2, height * 0.36 + 120);
  }

  private async play(): Promise<void> {
    if (this.busy) return;
    // An empty field gets a generated name, shown in the field before joining.
    if (this.nameField.value.trim() === "") this.nameField.value = generatedNickname();
    const check = checkNickname(this.nameField.value);
    if (!check.ok) {
      this.showStatus(check.reason, "error");
      this.nameField.focus();
      return;
    }
    this.nameField.value = check.name;
    saveNickname(check.name);
    this.setBusy(true);
    this.showStatus("Connecting…", "busy");
    try {
      const session = await GameSession.connect(serverUrl(), check.name, this.sessionOptions(tabTokenStore()));
      if (!this.sys.isActive()) {
        session.dispose();
        return;
      }
      this.scene.start(SceneKeys.Game, { session });
    } catch (error) {
      this.setBusy(false);
      this.showStatus(error instanceof Error ? error.message : String(error), "error");
    }
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    this.button.disabled = busy;
    this.nameField.disabled = busy;
  }

  private showStatus(text: string, kind: "idle" | "busy" | "error"): void {
    this.status.textContent = text;
    this.status.className = `menu-status ${kind}`;
  }
}
