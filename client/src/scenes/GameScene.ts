/**
 * The match: draws the arena, ships, projectiles and HUD from the session's snapshots, sends
 * your controls, and opens the results overlay between matches. All netcode lives in the
 * session; this scene only reads plain snapshots.
 */
import Phaser from "phaser";
import { CloseCodes } from "../../../shared/protocol.ts";
import { gameAudio } from "../audio/game-audio.ts";
import { GameSounds } from "../audio/game-sounds.ts";
import { SceneKeys } from "../game/keys.ts";
import { toInputFrame } from "../input/controls.ts";
import { KeyboardMouse } from "../input/keyboard-mouse.ts";
import { controlsHint, currentBindings, fireKeys, watchingHint } from "../input/bindings.ts";
import { HeldKeys } from "../input/held-keys.ts";
import { TouchInput } from "../input/touch-input.ts";
import { mergeControls } from "../input/touch-sticks.ts";
import { shouldRejoin } from "../net/rejoin.ts";
import type { GameSnapshot, Session } from "../net/types.ts";
import { LIVE_HISTORY, type LiveEvent } from "../../../shared/live.ts";
import { drawArena } from "../render/arena.ts";
import { DebugOverlay } from "../render/debug-overlay.ts";
import { EdgeArrows } from "../render/edge-arrows.ts";
import { Hud, TOUCH_HINT, TOUCH_WATCH_HINT } from "../render/hud.ts";
import { domScale, hudMargin, type Box, type Size } from "../render/hud-layout.ts";
import { isTouchScreen } from "../input/touch-device.ts";
import { ProjectileLayer } from "../render/projectile-sprites.ts";
import { ShipLayer } from "../render/ship-sprites.ts";
import { setTestHook } from "../test-hook.ts";
import { ChatPanel } from "../ui/chat-panel.ts";
import { RoomBadge } from "../ui/room-badge.ts";
import { SoundBadge } from "../ui/sound-badge.ts";
import { TouchBar } from "../ui/touch-bar.ts";
import type { MenuData } from "./MenuScene.ts";
import type { ResultsData } from "./ResultsScene.ts";

/** What the menu passes when a match starts. */
export interface GameData {
  readonly session: Session;
}

/** Camera follow smoothing (fraction of the gap closed per frame). */
const CAMERA_LERP = 0.12;

export class GameScene extends Phaser.Scene {
  private session!: Session;
  private ships!: ShipLayer;
  private shots!: ProjectileLayer;
  private hud!: Hud;
  private debug!: DebugOverlay;
  private arrows!: EdgeArrows;
  private controls!: KeyboardMouse;
  private keys!: HeldKeys;
  private touchInput!: TouchInput;
  private latest: GameSnapshot | null = null;
  /** Palette index of every pilot of the latest snapshot, by id (kill feed, chat, shots). */
  private readonly colors = new Map<string, number>();
  private following = false;
  private selfAlive = false;
  private scoreboardHeld = false;
  private cleanups: Array<() => void> = [];
  private chat: ChatPanel | null = null;
  private badge: RoomBadge | null = null;
  /** Which sounds the match makes (fed the kill events and every drawn snapshot). */
  private sounds: GameSounds | null = null;
  private soundBadge: SoundBadge | null = null;
  /** Live events received in this match (oldest first), for the test hook. */
  private liveEvents: LiveEvent[] = [];
  /** Spectators: the pilot the camera follows, and when the choice was last made. */
  private watched: string | null = null;
  private watchedChosenAt = 0;
  /** Touch screen: the HUD hint describes the thumb sticks and keeps room for them. */
  private touch = false;
  /** This seat only watches (known once the server's welcome arrived). */
  private spectator = false;
  /** The HUD layout the DOM widgets and the camera were last fitted to (Hud.version). */
  private layoutVersion = -1;
  /** What the room badge and the sound badge showed when last measured (re-measured on change). */
  private domPanelsKey = "";
  /** Scores and Leave buttons (touch screens: no Tab or Esc there). */
  private touchBar: TouchBar | null = null;
  /** The scoreboard is shown by the Scores touch button. */
  private scoreboardPinned = false;
  /** Handed over to a hot-swapped replacement (npm run dev): shutting down keeps the session. */
  private keepSession = false;
  /** When this scene instance started (performance.now(); the test hook reports it). */
  private createdAt = 0;

  constructor() {
    super(SceneKeys.Game);
  }

  init(data: GameData): void {
    this.session = data.session;
    this.latest = null;
    this.colors.clear();
    this.following = false;
    this.selfAlive = false;
    this.scoreboardHeld = false;
    this.cleanups = [];
    this.liveEvents = [];
    this.watched = null;
    this.watchedChosenAt = 0;
    this.spectator = false;
    this.layoutVersion = -1;
    this.domPanelsKey = "";
    this.touchBar = null;
    this.scoreboardPinned = false;
    this.keepSession = false;
  }

  create(): void {
    this.createdAt = performance.now();
    drawArena(this, this.session.map);
    this.shots = new ProjectileLayer(this);
    this.ships = new ShipLayer(this);
    this.touch = isTouchScreen();
    this.spectator = this.session.info()?.role === "spectator";
    this.hud = new Hud(this, { touch: this.touch, sticks: this.touch && !this.spectator, hint: this.hintText() });
    this.debug = new DebugOverlay(this);
    this.debug.layout(this.scale.width);
    setDomScale(this.scale.width, this.scale.height);
    this.arrows = new EdgeArrows(this);
    // The bound keys (rebound in the menu, remembered): movement and fire are read each frame;
    // the scoreboard is held, sound toggled and (spectators) the next pilot picked on a press.
    const bindings = currentBindings();
    this.keys = new HeldKeys(window, bindings, {
      onPress: (action) => {
        if (this.chat?.isTyping()) return;
        if (action === "scores") this.scoreboardHeld = true;
        // Sound on/off (remembered; the menu has the same switch and the volume).
        else if (action === "mute") gameAudio().toggleMuted();
        // Spectators: the fire key moves the camera to the next pilot.
        else if (action === "fire" && this.spectator) this.watchNext(true);
      },
      onRelease: (action) => {
        if (action === "scores") this.scoreboardHeld = false;
      },
    });
    this.controls = new KeyboardMouse(this, this.keys);
    // The thumb sticks: the first touch switches the hint to them (a laptop's touch screen too).
    this.touchInput = new TouchInput(this, () => this.useTouch());
    this.touchInput.setEnabled(!this.spectator);
    // Spectators: every fire binding follows the next pilot, the mouse button (and, on a touch
    // screen, a tap) as well as the fire key.
    this.input.on(Phaser.Input.Events.POINTER_DOWN, (pointer: Phaser.Input.Pointer) => {
      if (this.spectator && !this.chat?.isTyping() && (pointer.wasTouch || pointer.button === 0)) this.watchNext(true);
    });
    this.cameras.main.setBounds(0, 0, this.session.map.width, this.session.map.height);
    this.input.setDefaultCursor("crosshair");

    const selfId = this.session.selfId;
    this.chat = new ChatPanel(document.body, {
      onSend: (text) => this.session.sendChat(text),
      selfId,
      colors: this.colors,
    });
    this.badge = new RoomBadge(document.body);
    const audio = gameAudio();
    const sounds = new GameSounds(audio.bus, selfId, this.session.map.walls);
    this.sounds = sounds;
    this.soundBadge = new SoundBadge(document.body, audio);
    this.cleanups.push(
      this.session.onChat((line) => this.chat?.add(line)),
      // Server-wide news (shared/live.ts) shows as a marked system line in the chat.
      this.session.onLive?.((event) => {
        this.liveEvents.push(event);
        if (this.liveEvents.length > LIVE_HISTORY) this.liveEvents.shift();
        this.chat?.addLive(event);
      }) ?? (() => undefined),
      this.session.onKill((e) => this.hud.addKill(e, selfId, this.time.now, this.colors)),
      this.session.onKill((e) => sounds.kill(e, performance.now())),
      this.session.onClosed((info) =>
        // Leaving on purpose and the end of a ranked match are news, not problems.
        this.exit(
          info.reason,
          info.code !== CloseCodes.Consented && info.code !== CloseCodes.MatchOver,
          shouldRejoin(info.code),
        ),
      ),
    );
    this.input.keyboard?.on("keydown-ESC", () => {
      if (!this.chat?.isTyping()) this.session.leave();
    });
    this.input.keyboard?.on("keydown-F3", (event: KeyboardEvent) => {
      event.preventDefault();
      this.debug.toggle();
    });
    this.scale.on(Phaser.Scale.Events.RESIZE, this.onResize, this);
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => this.teardown());
    if (this.touch) this.useTouch();

    setTestHook({
      scene: "game",
      selfId,
      roomId: this.session.roomId,
      role: () => this.session.info()?.role ?? null,
      ships: () => this.ships.probe(),
      liveEvents: () => [...this.liveEvents],
      ...audio.probe(),
      view: () => {
        const cam = this.cameras.main;
        return { x: cam.worldView.x, y: cam.worldView.y, zoom: cam.zoom };
      },
      hudBoxes: () => this.hudBoxes(),
      hudHint: () => this.hud.hintText(),
      hudScore: () => this.hud.scoreText(),
      watched: () => this.watched,
      touchSticks: () => this.touchInput.sticks.views(),
      keyBindings: () => currentBindings(),
      createdAt: this.createdAt,
    });
  }

  override update(): void {
    const now = performance.now();
    // Inputs first, then the snapshot: your own ship is predicted, so what you press this
    // frame is drawn this frame. Aim is taken relative to where your ship was last drawn.
    const drawn = this.latest?.players.find((p) => p.isSelf);
    const ship = drawn ? { x: drawn.x, y: drawn.y } : null;
    const keys = this.controls.read(ship);
    const sticks = this.touchInput.read(ship);
    const controls = sticks === null ? keys : mergeControls(keys, sticks);
    // While typing in the chat the ship holds still (keys go to the text field).
    const frame = this.chat?.isTyping()
      ? { ...toInputFrame(controls), moveX: 0, moveY: 0, fire: false }
      : toInputFrame(controls);
    this.session.update(now, frame);
    const snap = this.session.snapshot(now);
    this.latest = snap;
    this.colors.clear();
    for (const p of snap.pilots) this.colors.set(p.id, p.color);
    this.sounds?.frame(snap, now);
    const self = snap.players.find((p) => p.isSelf);

    // Your turret follows the mouse at once; the server's facing arrives ~100 ms later.
    const liveAim =
      self?.alive && snap.phase !== 1 && (frame.aimX !== 0 || frame.aimY !== 0)
        ? Math.atan2(frame.aimY, frame.aimX)
        : null;
    this.ships.sync(snap.players, this.time.now, liveAim);
    this.shots.sync(snap.projectiles, this.colors);
    // Where your ship is on screen: the controls hint turns faint over it.
    const cam = this.cameras.main;
    const onScreen =
      self?.alive === true
        ? { x: (self.x - cam.worldView.x) * cam.zoom, y: (self.y - cam.worldView.y) * cam.zoom }
        : null;
    this.hud.update(snap, this.time.now, onScreen);
    const placed = this.hud.current();
    this.touchInput.draw({ move: placed?.moveStick ?? null, aim: placed?.aimStick ?? null }, this.hud.hintFade());
    this.arrows.update(snap.pilots);
    const topBottom = this.hud.current()?.topBottom ?? 48;
    this.debug.update(() => this.session.debugInfo(now), this.game.loop.actualFps, topBottom + 8);
    const info = this.session.info();
    if ((info?.role === "spectator") !== this.spectator) this.setSpectator(info?.role === "spectator");
    if (this.spectator) this.followWatched(snap);
    else this.followSelf(snap.selfId);
    if (info?.code != null) this.badge?.showCode(info.code);
    this.placeDomPanels();
    // A respawn is a teleport: cut to the new spot instead of panning across the map.
    if (self?.alive && !this.selfAlive) this.cameras.main.centerOn(self.x, self.y);
    this.selfAlive = self?.alive ?? false;
    this.toggleResults(snap.phase === 1 || this.scoreboardHeld || this.scoreboardPinned);
  }

  private followSelf(selfId: string): void {
    if (this.following) return;
    const sprite = this.ships.get(selfId);
    if (sprite === undefined) return;
    this.cameras.main.centerOn(sprite.container.x, sprite.container.y);
    this.cameras.main.startFollow(sprite.container, false, CAMERA_LERP, CAMERA_LERP);
    this.following = true;
  }

  /** A spectator's camera: the leading pilot, re-chosen every few seconds unless picked with Space. */
  private followWatched(snap: GameSnapshot): void {
    const present = this.watched !== null && snap.players.some((p) => p.id === this.watched);
    if (!present || (this.time.now - this.watchedChosenAt > 8000 && this.watchedChosenAt >= 0)) this.watchNext(false);
    const target = this.watched === null ? undefined : this.ships.get(this.watched);
    if (target !== undefined) {
      this.cameras.main.startFollow(target.container, false, CAMERA_LERP, CAMERA_LERP);
    }
    const name = snap.players.find((p) => p.id === this.watched)?.name ?? null;
    this.badge?.showWatching(name, this.touch ? "Tap" : fireKeys(currentBindings()));
    this.hud.setWatching(name);
  }

  /**
   * The room badge (DOM) hangs where the HUD layout put it, below the top panels and clear of
   * the kill feed; the touch buttons go where the layout put them. The layout keeps clear of
   * the badges' measured sizes (measured again when their text changes).
   */
  private placeDomPanels(): void {
    const badge = this.badge?.element;
    const sound = this.soundBadge?.element;
    const key = `${badge?.hidden === false ? badge.textContent : ""}|${sound?.textContent ?? ""}`;
    if (key !== this.domPanelsKey) {
      this.domPanelsKey = key;
      this.hud.setDomPanels(measure(badge), measure(sound));
    }
    if (this.hud.version !== this.layoutVersion) this.onLayoutChanged();
  }

  /** A spectator sees a watching HUD: no score or thumb sticks, its own hint. */
  private setSpectator(spectator: boolean): void {
    this.spectator = spectator;
    this.touchInput.setEnabled(!spectator);
    if (!spectator) this.hud.setWatching(undefined);
    this.hud.setTouch(this.touch, this.hintText(), this.touch && !spectator);
    this.onLayoutChanged();
  }

  /** The controls hint for this screen and seat. */
  private hintText(): string {
    if (this.spectator) return this.touch ? TOUCH_WATCH_HINT : watchingHint(currentBindings());
    return this.touch ? TOUCH_HINT : controlsHint(currentBindings());
  }

  /** The HUD was laid out anew: the DOM widgets and the camera follow it. */
  private onLayoutChanged(): void {
    this.layoutVersion = this.hud.version;
    const placed = this.hud.current();
    if (placed === null) return;
    this.badge?.setTop(placed.badge?.y ?? placed.topBottom + hudMargin(this.scale.width, this.scale.height));
    this.touchBar?.place(placed.scoresButton, placed.leaveButton);
    this.fitCamera();
  }

  /** Picks the pilot to watch: the next one in order (Space), or the leader by kills. */
  private watchNext(manual: boolean): void {
    const players = this.latest?.players ?? [];
    if (players.length === 0) {
      this.watched = null;
      return;
    }
    if (manual) {
      const at = players.findIndex((p) => p.id === this.watched);
      this.watched = players[(at + 1) % players.length]!.id;
      // A pilot picked by hand stays followed.
      this.watchedChosenAt = -1;
      return;
    }
    const leader = [...players].sort((a, b) => b.kills - a.kills || a.deaths - b.deaths)[0]!;
    this.watched = leader.id;
    this.watchedChosenAt = this.time.now;
  }

  private toggleResults(show: boolean): void {
    const open = this.scene.isActive(SceneKeys.Results);
    if (show && !open) {
      const data: ResultsData = { read: () => this.latest };
      this.scene.launch(SceneKeys.Results, data);
    } else if (!show && open) {
      this.scene.stop(SceneKeys.Results);
    }
  }

  private onResize(size: Phaser.Structs.Size): void {
    setDomScale(size.width, size.height);
    // The badges' sizes change with the screen (their scale, the badge's wrapping).
    this.domPanelsKey = "";
    this.hud.layout(size.width, size.height);
    this.debug.layout(size.width);
    this.onLayoutChanged();
  }

  /**
   * The camera may look past the map's top edge by the HUD's top block (and past the bottom by
   * the bottom row, or the thumb sticks), so a ship by the wall is never hidden under a panel
   * (on screens shorter than the map; a taller one shows the whole map, fixed).
   */
  private fitCamera(): void {
    const placed = this.hud.current();
    if (placed === null) return;
    const { width, height } = this.session.map;
    const screen = this.scale;
    // A screen as tall as the map shows all of it, as before; one larger than the map (a 4K
    // monitor) shows it in the middle.
    const pad = screen.height < height;
    const top = pad ? placed.topBottom + 8 : Math.max(0, (screen.height - height) / 2);
    const bottom = !pad
      ? top
      : placed.moveStick !== null
        ? screen.height - Math.min(placed.moveStick.y, placed.aimStick?.y ?? Infinity)
        : 56;
    const side = Math.max(0, (screen.width - width) / 2);
    this.cameras.main.setBounds(-side, -top, width + 2 * side, height + top + bottom);
  }

  /** A touch screen (or the first touch): the hint describes the sticks; Scores and Leave buttons. */
  private useTouch(): void {
    this.touch = true;
    this.hud.setTouch(true, this.hintText(), !this.spectator);
    this.chat?.setHintText("Tap to chat");
    if (this.touchBar === null) {
      this.touchBar = new TouchBar(document.body, {
        onScores: (shown) => (this.scoreboardPinned = shown),
        onLeave: () => this.session.leave(),
      });
    }
    this.onLayoutChanged();
  }

  /**
   * Every HUD panel on screen now, by name, in CSS pixels: the canvas panels (score, clock,
   * ping, hint, feed…) and the DOM ones (chat, sound badge, room badge).
   */
  private hudBoxes(): Record<string, Box> {
    const boxes: Record<string, Box> = { ...this.hud.boxes() };
    const dom = (name: string, el: HTMLElement | undefined): void => {
      if (el === undefined || el.hidden) return;
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) boxes[name] = { x: r.x, y: r.y, width: r.width, height: r.height };
    };
    dom("chat", this.chat?.element);
    dom("sound", this.soundBadge?.element);
    dom("room", this.badge?.element);
    dom("scoresButton", this.touchBar?.scores);
    dom("leaveButton", this.touchBar?.leave);
    return boxes;
  }

  /**
   * Hot module replacement (game/hot-scenes.ts): this scene is about to be replaced by a new
   * version of itself; it keeps the session open for it and returns the new one's start data.
   */
  handOver(): GameData {
    this.keepSession = true;
    return { session: this.session };
  }

  private exit(notice: string, noticeIsError: boolean, rejoin = false): void {
    const data: MenuData = { notice, noticeIsError, rejoin };
    this.scene.start(SceneKeys.Menu, data);
  }

  private teardown(): void {
    for (const cleanup of this.cleanups) cleanup();
    this.cleanups = [];
    if (!this.keepSession) this.session.dispose();
    this.chat?.destroy();
    this.chat = null;
    this.badge?.destroy();
    this.badge = null;
    this.soundBadge?.destroy();
    this.soundBadge = null;
    this.touchBar?.destroy();
    this.touchBar = null;
    this.sounds = null;
    this.scale.off(Phaser.Scale.Events.RESIZE, this.onResize, this);
    this.scene.stop(SceneKeys.Results);
    this.input.setDefaultCursor("default");
    this.ships.destroy();
    this.touchInput.destroy();
    this.keys.destroy();
    this.latest = null;
  }
}

/** The size a DOM widget takes on screen (its scale included), or null while it is hidden. */
function measure(el: HTMLElement | undefined): Size | null {
  if (el === undefined || el.hidden) return null;
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0 ? { width: r.width, height: r.height } : null;
}

/** Scales the HUD's DOM widgets (chat, sound badge, room badge) with the screen. */
function setDomScale(width: number, height: number): void {
  document.documentElement.style.setProperty("--hud-dom-scale", String(domScale(width, height)));
}
