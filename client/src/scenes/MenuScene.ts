/**
 * The title screen: nickname field (remembered), Play button or Enter, validation with the
 * shared nickname rule, and readable connection errors. On success it starts the match.
 */
import Phaser from "phaser";
import { ARENA_MAP } from "../../../shared/map.ts";
import { RoomName } from "../../../shared/protocol.ts";
import { CODE_LENGTH, isRoomCode, normalizeRoomCode } from "../../../shared/room-code.ts";
import { SceneKeys } from "../game/keys.ts";
import { parseNetworkConditions } from "../net/network-sim.ts";
import { connectingText, rejoin } from "../net/rejoin.ts";
import { tabTokenStore, type TokenStore } from "../net/resume-token.ts";
import { GameSession, type SessionOptions } from "../net/session.ts";
import { inviteFromAddress, withoutInvite, type Invite, type JoinTarget } from "../net/join-target.ts";
import { LobbyFeed, type OpenRoom } from "../net/lobby.ts";
import {
  fetchLeaderboard,
  joinRankedQueue,
  RankedQueueCancelled,
  rankedSearchText,
  type RankedWait,
} from "../net/ranked-queue.ts";
import { signIn } from "../net/identity.ts";
import { formatClock } from "../render/format.ts";
import { serverUrl } from "../net/server-url.ts";
import { LiveFeed } from "../net/live-feed.ts";
import { LivePanel } from "../ui/live-panel.ts";
import { drawArena } from "../render/arena.ts";
import { UI } from "../render/palette.ts";
import { gameAudio } from "../audio/game-audio.ts";
import { bindSoundSettings, SOUND_SETTINGS_HTML } from "../ui/sound-settings.ts";
import { bindKeySettings, KEY_SETTINGS_HTML } from "../ui/key-settings.ts";
import { currentBindings } from "../input/bindings.ts";
import { setTestHook, type HudBox } from "../test-hook.ts";
import { isTouchScreen } from "../input/touch-device.ts";
import { domScale } from "../render/hud-layout.ts";
import { generatedNickname } from "../../../shared/names.ts";
import { checkNickname, loadNickname, saveNickname, typedNicknameProblem } from "../ui/nickname.ts";

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
    <input id="nickname" name="nickname" type="text" placeholder="Your nickname" spellcheck="false" />
    <button id="play" type="submit">Play</button>
  </div>
  <div class="row secondary">
    <button id="create-private" type="button">Private room</button>
    <span class="code-group">
      <input id="room-code" type="text" maxlength="9" placeholder="Room code" spellcheck="false" aria-label="Room code" />
      <button id="join-code" type="button">Join</button>
    </span>
  </div>
  <div class="row secondary">
    <button id="ranked" type="button">Ranked match</button>
    <button id="large" type="button" title="Up to 64 pilots on the large map">Big arena</button>
    <button id="show-leaderboard" type="button">Leaderboard</button>
  </div>${SOUND_SETTINGS_HTML}${KEY_SETTINGS_HTML}
  <p id="menu-status" class="menu-status" role="status" aria-live="polite"></p>
  <label id="panel-title">Open rooms</label>
  <ul id="room-list" class="panel" data-testid="room-list"></ul>
  <ol id="leaderboard" class="panel" data-testid="leaderboard" hidden></ol>
  <section id="live-now" class="live-now" data-testid="live-now" aria-labelledby="live-now-title">
    <h2 id="live-now-title">Live now</h2>
    <ol class="panel live-list"></ol>
  </section>
</form>`;

/**
 * An open room's line, "Big arena · 1/64 pilots · warm-up": where it is too long for the row it
 * wraps between the parts (each part stays whole), never cut.
 */
function roomLabel(parts: readonly string[]): HTMLSpanElement {
  const label = document.createElement("span");
  label.className = "room-label";
  parts.forEach((part, i) => {
    if (i > 0) label.append(" · ");
    const piece = document.createElement("span");
    piece.textContent = part;
    label.append(piece);
  });
  return label;
}

/** The title's margin for its glow, px a side. */
const TITLE_GLOW = 32;

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
  private codeField!: HTMLInputElement;
  private roomList!: HTMLUListElement;
  private leaderboard!: HTMLOListElement;
  private panelTitle!: HTMLElement;
  private lobby: LobbyFeed | null = null;
  private rooms: readonly OpenRoom[] = [];
  private ranked: RankedWait | null = null;
  private live: LiveFeed | null = null;
  private livePanel: LivePanel | null = null;
  /** The status line shows why the typed name cannot be sent (cleared once it can). */
  private nameProblemShown = false;

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
    const audio = gameAudio();
    setTestHook({
      scene: "menu",
      liveEvents: () => this.live?.events() ?? [],
      headings: () => this.headingBoxes(),
      keyBindings: () => currentBindings(),
      ...audio.probe(),
    });
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
        padding: { x: TITLE_GLOW, y: TITLE_GLOW },
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
        align: "center",
      })
      .setOrigin(0.5, 0)
      .setScrollFactor(0)
      .setDepth(OVERLAY_DEPTH);

    this.form = this.add.dom(0, 0).createFromHTML(FORM_HTML).setScrollFactor(0);
    this.nameField = this.form.getChildByID("nickname") as HTMLInputElement;
    this.button = this.form.getChildByID("play") as HTMLButtonElement;
    this.status = this.form.getChildByID("menu-status") as HTMLElement;
    this.nameField.value = loadNickname();
    // The field never cuts what is typed or pasted (a length limit in UTF-16 code units would
    // split an emoji sequence): a name over either bound, or with a character the rule refuses,
    // says why as it is typed, and Play refuses to send it.
    this.nameField.addEventListener("input", () => this.showNameProblem());
    this.codeField = this.form.getChildByID("room-code") as HTMLInputElement;
    this.roomList = this.form.getChildByID("room-list") as HTMLUListElement;
    this.leaderboard = this.form.getChildByID("leaderboard") as HTMLOListElement;
    this.panelTitle = this.form.getChildByID("panel-title") as HTMLElement;
    const unbindSound = bindSoundSettings(this.form, audio);
    const unbindKeys = bindKeySettings(this.form, isTouchScreen(), () =>
      this.layout(this.scale.width, this.scale.height),
    );
    this.form.addListener("submit");
    this.form.on("submit", (event: Event) => {
      event.preventDefault();
      void this.play();
    });
    const on = (id: string, action: () => void): void =>
      (this.form.getChildByID(id) as HTMLButtonElement).addEventListener("click", action);
    on("create-private", () => void this.play({ kind: "private" }));
    on("join-code", () => void this.joinByCode());
    on("ranked", () => void this.queueRanked());
    on("large", () => void this.play({ kind: "quick", roomName: RoomName.ArenaLarge }));
    on("show-leaderboard", () => void this.toggleLeaderboard());
    this.codeField.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      void this.joinByCode();
    });
    // An invite link (`?room=ABC234`) is followed once: it joins that room below, and leaves
    // the address so that coming back to the menu (or reloading it) does not join again.
    const invite = inviteFromAddress(window.location.search);
    if (invite !== null) window.history.replaceState(window.history.state, "", withoutInvite(window.location.href));
    this.drawRooms();
    this.openLobby();
    this.openLiveFeed();
    this.input.keyboard?.on("keydown-ENTER", () => {
      if (document.activeElement !== this.nameField) void this.play();
    });
    this.input.keyboard?.on("keydown-ESC", () => this.leaveRankedQueue());
    this.showStatus(this.notice, this.notice && this.noticeIsError ? "error" : "idle");

    this.layout(this.scale.width, this.scale.height);
    this.scale.on(Phaser.Scale.Events.RESIZE, this.onResize, this);
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => {
      this.scale.off(Phaser.Scale.Events.RESIZE, this.onResize, this);
      unbindSound();
      unbindKeys();
      this.lobby?.close();
      this.lobby = null;
      this.live?.close();
      this.live = null;
      this.livePanel = null;
      this.ranked?.cancel();
      this.ranked = null;
    });
    // On a phone, focusing the field would open the on-screen keyboard over the menu.
    if (!isTouchScreen()) this.nameField.focus();
    // A link just opened wins over a seat this tab may still hold (the link was opened in it).
    if (this.rejoinRequested) void this.rejoinAfterServerLoss();
    else if (invite !== null) void this.followInvite(invite);
    else void this.resumeAfterReload();
  }

  /**
   * An invite link: straight into that room with the remembered name (or a generated one), as
   * Play would. A wrong or ended code, a full room or a refused name leaves the menu showing why.
   */
  private async followInvite(invite: Invite): Promise<void> {
    // Called from create(): the scene does not count as active yet.
    if (this.busy) return;
    if (invite.code === null) {
      const chars = Array.from(invite.raw);
      const shown = chars.length > 12 ? `${chars.slice(0, 12).join("")}…` : invite.raw;
      this.showStatus(
        `The invite link's room code "${shown}" is not valid: a code has ${CODE_LENGTH} letters and digits.`,
        "error",
      );
      return;
    }
    this.codeField.value = invite.code;
    const joined = await this.play({ kind: "code", code: invite.code });
    // Not joined: Play must not keep aiming at that room (the message names the code).
    if (!joined && this.sys.isActive() && this.codeField.value === invite.code) this.codeField.value = "";
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
      connecting: (attempt) => this.showStatus(`${this.notice} ${connectingText(attempt)} · Esc to cancel`, "busy"),
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
    const node = this.form.node as HTMLElement;
    node.style.maxHeight = "";
    node.style.overflowY = "";
    // Wide screens: the title 30 % down; phones, short screens, and a form too tall for that
    // (the key settings open): from the top.
    // Big screens (a 4K monitor at 100 %) draw the menu larger, as the HUD.
    const z = domScale(width, height);
    this.form.setScale(z);
    // The form's width follows the screen (min(400px, 96vw)): Phaser centres it by the width it
    // measured, so measure again (else a phone turned or a window narrowed shifts it sideways).
    this.form.updateSize();
    const formHeight = (): number => node.offsetHeight * z;
    let formTop = this.placeHeading(width, height, width < 640 || height < 600, z);
    if (formTop + formHeight() > height - 8) formTop = this.placeHeading(width, height, true, z);
    // The form hangs below the tagline (its top edge), however tall the room list grows; where
    // the screen is too short for it (a phone held sideways) it scrolls.
    this.form.setOrigin(0.5, 0).setPosition(width / 2, formTop);
    if (formTop + formHeight() > height - 8) {
      node.style.maxHeight = `${Math.max(160, (height - formTop - 8) / z)}px`;
      node.style.overflowY = "auto";
    }
  }

  /** Places the title and tagline (`compact`: from the top edge); returns where the form starts. */
  private placeHeading(width: number, height: number, compact: boolean, z: number): number {
    // The title at 64 px (scaled on big screens), or as large as fits the width (a 360 px
    // phone) or a short screen.
    let size = Math.round((height < 600 ? 40 : 64) * z);
    this.title.setFontSize(`${size}px`);
    const room = width - 32;
    if (this.title.width - 2 * TITLE_GLOW > room) {
      size = Math.floor((size * room) / (this.title.width - 2 * TITLE_GLOW));
      this.title.setFontSize(`${size}px`);
    }
    this.tagline.setFontSize(width < 640 ? "14px" : `${Math.round(16 * z)}px`);
    this.tagline.setWordWrapWidth(Math.min(width - 32, 720 * z), true);
    const titleHeight = this.title.height - 2 * TITLE_GLOW;
    const titleTop = compact ? 12 : height * 0.3 - 40 - titleHeight / 2;
    this.title.setPosition(width / 2, titleTop + titleHeight / 2);
    this.tagline.setPosition(width / 2, titleTop + titleHeight + 4);
    return titleTop + titleHeight + 4 + this.tagline.height + (compact ? 12 : 20) * z;
  }

  /** The title's and tagline's boxes on screen (CSS px; the title without its glow margin). */
  private headingBoxes(): { title: HudBox; tagline: HudBox } {
    const t = this.title;
    const g = this.tagline;
    return {
      title: {
        x: t.x - t.width / 2 + TITLE_GLOW,
        y: t.y - t.height / 2 + TITLE_GLOW,
        width: t.width - 2 * TITLE_GLOW,
        height: t.height - 2 * TITLE_GLOW,
      },
      tagline: { x: g.x - g.width / 2, y: g.y, width: g.width, height: g.height },
    };
  }

  /** Subscribes to the server's live room list (retried quietly if the server is not up yet). */
  private openLobby(attempt = 0): void {
    LobbyFeed.open(serverUrl(), (rooms) => {
      this.rooms = rooms;
      this.drawRooms();
    }).then(
      (feed) => {
        if (this.sys.isActive()) this.lobby = feed;
        else feed.close();
      },
      () => {
        if (this.sys.isActive() && attempt < 5)
          this.time.delayedCall(2000 * (attempt + 1), () => this.openLobby(attempt + 1));
      },
    );
  }

  /**
   * The "live now" panel: server-wide news over Server-Sent Events (`GET /events`), newest
   * first, its relative times refreshed every second. Closed when the menu shuts down.
   */
  private openLiveFeed(): void {
    const panel = new LivePanel(this.form.getChildByID("live-now") as HTMLElement);
    this.livePanel = panel;
    this.live = new LiveFeed(`${serverUrl()}/events`, {
      onChange: (events, status) => panel.show(events, status, Date.now()),
    });
    // Scene timers stop with the scene.
    this.time.addEvent({ delay: 1000, loop: true, callback: () => this.livePanel?.tick(Date.now()) });
  }

  /** The open rooms: players, phase and time left, with Join and Watch (text only, never HTML). */
  private drawRooms(): void {
    const items: HTMLLIElement[] = [];
    const now = Date.now();
    for (const room of this.rooms) {
      const { listing } = room;
      const li = document.createElement("li");
      li.dataset["roomId"] = room.roomId;
      const left = formatClock(Math.max(0, Math.round((listing.phaseEndsAt - now) / 1000)));
      const phase = listing.phase === 1 ? "results" : listing.phase === 2 ? "warm-up" : `${left} left`;
      const label = roomLabel([
        ...(listing.map === "large" ? ["Big arena"] : []),
        `${listing.players}/${listing.maxPlayers} pilots`,
        phase,
        ...(listing.spectators > 0 ? [`${listing.spectators} watching`] : []),
      ]);
      label.title = `Match ${listing.matchNumber}`;
      const full = listing.players >= listing.maxPlayers;
      const join = document.createElement("button");
      join.type = "button";
      join.textContent = full ? "Full" : "Join";
      join.disabled = full || this.busy;
      join.addEventListener("click", () => void this.play({ kind: "room", roomId: room.roomId }));
      const watch = document.createElement("button");
      watch.type = "button";
      watch.textContent = "Watch";
      watch.disabled = this.busy;
      watch.addEventListener("click", () => void this.play({ kind: "watch", roomId: room.roomId }));
      li.append(label, join, watch);
      items.push(li);
    }
    if (items.length === 0) {
      const li = document.createElement("li");
      li.className = "empty";
      li.textContent = "No open rooms yet: press Play to open one.";
      items.push(li);
    }
    this.roomList.replaceChildren(...items);
  }

  private async toggleLeaderboard(): Promise<void> {
    const show = this.leaderboard.hidden;
    this.leaderboard.hidden = !show;
    this.roomList.hidden = show;
    this.panelTitle.textContent = show ? "Top ranked pilots" : "Open rooms";
    if (!show) return;
    try {
      const rows = await fetchLeaderboard(serverUrl(), 10);
      const items = rows.map((row) => {
        const li = document.createElement("li");
        const label = document.createElement("span");
        label.textContent = `${row.rank}. ${row.name} · ${row.rating} (${row.games} games)`;
        li.append(label);
        return li;
      });
      if (items.length === 0) {
        const li = document.createElement("li");
        li.className = "empty";
        li.textContent = "No ranked matches played yet.";
        items.push(li);
      }
      this.leaderboard.replaceChildren(...items);
    } catch (error) {
      this.showStatus(error instanceof Error ? error.message : String(error), "error");
    }
  }

  private async joinByCode(): Promise<boolean> {
    const code = normalizeRoomCode(this.codeField.value);
    if (!isRoomCode(code)) {
      this.showStatus(`A room code has ${CODE_LENGTH} letters and digits, e.g. K7PQ2M.`, "error");
      this.codeField.focus();
      return false;
    }
    this.codeField.value = code;
    return this.play({ kind: "code", code });
  }

  /** Leaves the ranked queue if this menu waits in it (the button again, or Esc). */
  private leaveRankedQueue(): void {
    if (this.ranked === null) return;
    this.ranked.cancel();
    this.ranked = null;
    this.setBusy(false);
    this.showStatus("Left the ranked queue.", "idle");
  }

  /** Waits in the ranked queue (Esc or the button again cancels), then plays the match it found. */
  private async queueRanked(): Promise<void> {
    if (this.ranked !== null) return this.leaveRankedQueue();
    const name = this.validName();
    if (name === null || this.busy) return;
    this.setBusy(true);
    (this.form.getChildByID("ranked") as HTMLButtonElement).disabled = false;
    this.showStatus("Joining the ranked queue…", "busy");
    let wait: RankedWait | null = null;
    try {
      const identity = await signIn(serverUrl(), name);
      wait = await joinRankedQueue(serverUrl(), identity.token, (grouped) => {
        if (this.ranked === wait) this.showStatus(rankedSearchText(grouped, identity.rating), "busy");
      });
      this.ranked = wait;
      const reservation = await wait.seat;
      const session = await GameSession.connect(serverUrl(), name, {
        ...this.sessionOptions(tabTokenStore()),
        target: { kind: "seat", reservation },
      });
      wait.confirm();
      // Cancelled while the seat was being taken, or the menu is gone: do not play it.
      if (this.ranked !== wait || !this.sys.isActive()) return session.dispose();
      this.ranked = null;
      this.scene.start(SceneKeys.Game, { session });
    } catch (error) {
      // Left on purpose (leaveRankedQueue said so already), or a later queue took over.
      if (error instanceof RankedQueueCancelled || (wait !== null && this.ranked !== wait)) return;
      wait?.cancel();
      this.ranked = null;
      this.setBusy(false);
      this.showStatus(error instanceof Error ? error.message : String(error), "error");
    }
  }

  /** The name in the field, checked (an empty field gets a generated name, shown), or null. */
  private validName(): string | null {
    if (this.nameField.value.trim() === "") this.nameField.value = generatedNickname();
    const check = checkNickname(this.nameField.value);
    if (!check.ok) {
      this.showStatus(check.reason, "error");
      this.nameProblemShown = true;
      this.nameField.focus();
      return null;
    }
    this.nameField.value = check.name;
    saveNickname(check.name);
    return check.name;
  }

  /** Joins `target` (quick play by default) and starts the match; false if it did not. */
  private async play(target?: JoinTarget): Promise<boolean> {
    if (this.busy) return false;
    // Play with an invite code in the field joins that room.
    const code = this.codeField.value.trim();
    if (target === undefined && code !== "") return this.joinByCode();
    const name = this.validName();
    if (name === null) return false;
    this.setBusy(true);
    this.showStatus(target?.kind === "private" ? "Opening a private room…" : "Connecting…", "busy");
    try {
      const options = this.sessionOptions(tabTokenStore());
      const session = await GameSession.connect(serverUrl(), name, { ...options, target: target ?? { kind: "quick" } });
      if (!this.sys.isActive()) {
        session.dispose();
        return false;
      }
      this.scene.start(SceneKeys.Game, { session });
      return true;
    } catch (error) {
      this.setBusy(false);
      this.showStatus(error instanceof Error ? error.message : String(error), "error");
      return false;
    }
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    this.button.disabled = busy;
    this.nameField.disabled = busy;
    for (const id of ["create-private", "join-code", "ranked", "large"]) {
      (this.form.getChildByID(id) as HTMLButtonElement | null)?.toggleAttribute("disabled", busy);
    }
    this.drawRooms();
  }

  /** As the name is typed: why it cannot be sent, or (once it can) the line cleared. */
  private showNameProblem(): void {
    if (this.busy) return;
    const problem = typedNicknameProblem(this.nameField.value);
    if (problem !== null) {
      this.showStatus(problem, "error");
      this.nameProblemShown = true;
    } else if (this.nameProblemShown) {
      this.showStatus("", "idle");
    }
  }

  private showStatus(text: string, kind: "idle" | "busy" | "error"): void {
    this.nameProblemShown = false;
    this.status.textContent = text;
    this.status.className = `menu-status ${kind}`;
  }
}
