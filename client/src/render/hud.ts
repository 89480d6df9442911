/**
 * The heads-up display, fixed to the screen: score (or, for a spectator, whom the camera
 * follows), match clock, ping and player count, kill feed, respawn countdown, the controls hint
 * and the reconnecting banner. Where each goes is decided by hud-layout.ts.
 */
import { Phase } from "../../../shared/sim/world.ts";
import type Phaser from "phaser";
import type { GameSnapshot, KillEvent } from "../net/types.ts";
import { controlsHint, DEFAULT_BINDINGS } from "../input/bindings.ts";
import { ellipsize, formatClock, formatPing, secondsUntil } from "./format.ts";
import { colorOfPlayer, cssColor, UI, UI_FONT } from "./palette.ts";
import {
  FEED_LINES,
  HINT_MS,
  hintOpacity,
  hudMargin,
  hudScale,
  layoutHud,
  compactHud,
  type Box,
  type HudLayout,
  type Size,
} from "./hud-layout.ts";

const FONT = UI_FONT;
const HUD_DEPTH = 1000;
const FEED_SHOW_MS = 5000;
/** Time for the hint to go from fully shown to hidden when your ship comes under it. */
const HINT_EASE_MS = 150;
const FEED_FADE_MS = 800;
/** The hint on touch screens (the thumb sticks, client/src/input/touch-sticks.ts). */
export const TOUCH_HINT = "Left thumb: drag to move   ·   Right thumb: drag to aim, hold to fire";
/** A spectator's hint on a touch screen (no sticks: a tap follows the next pilot). */
export const TOUCH_WATCH_HINT = "Tap: follow the next pilot   ·   Leave: top right";
/** The keyboard-and-mouse hint (GameScene passes the current bindings' text). */
const DEFAULT_HINT = controlsHint(DEFAULT_BINDINGS);

type TextStyle = Phaser.Types.GameObjects.Text.TextStyle;

function style(size: number, color: string = UI.text, extra: TextStyle = {}): TextStyle {
  return { fontFamily: FONT, fontSize: `${size}px`, color, stroke: "#05070d", strokeThickness: 3, ...extra };
}

interface FeedEntry {
  readonly text: Phaser.GameObjects.Text;
  readonly bornMs: number;
}

export class Hud {
  private readonly panel: Phaser.GameObjects.Graphics;
  private readonly score: Phaser.GameObjects.Text;
  private readonly clock: Phaser.GameObjects.Text;
  private readonly matchLabel: Phaser.GameObjects.Text;
  private readonly net: Phaser.GameObjects.Text;
  private readonly respawn: Phaser.GameObjects.Text;
  private readonly banner: Phaser.GameObjects.Text;
  private readonly hint: Phaser.GameObjects.Text;
  private readonly feed: FeedEntry[] = [];
  /** When the first frame was drawn (the controls hint fades out after a while). */
  private startedMs: number | null = null;
  private width = 0;
  private height = 0;
  private scale = 1;
  private margin = 16;
  private touch: boolean;
  /** The thumb sticks' resting places are kept free (a touch screen, not a spectator). */
  private sticks: boolean;
  /** A spectator: the score panel names the pilot followed (null: none yet). */
  private watching: { readonly name: string | null } | null = null;
  /** The spectator's text last fitted, and for which screen width. */
  private watchShown = "";
  /** The DOM panels the layout must keep clear of: the room badge and the sound badge. */
  private badgeSize: Size | null = null;
  private soundSize: Size | null = null;
  /** Whether the controls hint has faded out (the layout then gives its place away). */
  private hintGone = false;
  /** The hint's opacity as its time alone makes it (over your ship it is drawn fainter). */
  private hintTimeAlpha = 1;
  /** When the hint's opacity was last set (it eases toward a new one over ~150 ms). */
  private hintSetMs: number | null = null;
  private placed: HudLayout | null = null;
  /** Counts layouts: a new one means the DOM widgets and the camera must follow. */
  version = 0;
  /** The measured sizes the current layout was made for (re-laid out when a text grows or shrinks). */
  private laidOutFor = "";

  constructor(
    private readonly scene: Phaser.Scene,
    options: { readonly touch?: boolean; readonly sticks?: boolean; readonly hint?: string } = {},
  ) {
    this.touch = options.touch ?? false;
    this.sticks = options.sticks ?? this.touch;
    const fixed = <T extends Phaser.GameObjects.Components.ScrollFactor & Phaser.GameObjects.Components.Depth>(
      o: T,
    ): T => {
      o.setScrollFactor(0);
      o.setDepth(HUD_DEPTH);
      return o;
    };
    this.panel = fixed(scene.add.graphics());
    this.score = fixed(scene.add.text(0, 0, "", style(18, UI.text, { fontStyle: "bold" })).setOrigin(0, 0.5));
    this.matchLabel = fixed(scene.add.text(0, 0, "", style(12, UI.textDim, { fontStyle: "bold" })).setOrigin(0.5, 0));
    this.clock = fixed(scene.add.text(0, 0, "", style(30, UI.text, { fontStyle: "bold" })).setOrigin(0.5, 0));
    this.net = fixed(scene.add.text(0, 0, "", style(14, UI.textDim, { align: "right" })).setOrigin(1, 0.5));
    this.respawn = fixed(
      scene.add.text(0, 0, "", style(30, UI.danger, { fontStyle: "bold", align: "center", strokeThickness: 5 })),
    ).setOrigin(0.5, 0.5);
    this.banner = fixed(
      scene.add.text(0, 0, "Connection lost — reconnecting…", {
        ...style(18, "#1a1204", { fontStyle: "bold", strokeThickness: 0 }),
        backgroundColor: UI.warning,
        padding: { x: 18, y: 8 },
      }),
    ).setOrigin(0.5, 0);
    this.banner.setVisible(false);
    this.hint = fixed(
      scene.add.text(0, 0, options.hint ?? DEFAULT_HINT, {
        ...style(14, UI.text, { strokeThickness: 0, align: "center" }),
        backgroundColor: "rgba(8, 12, 22, 0.78)",
        padding: { x: 14, y: 7 },
      }),
    ).setOrigin(0, 0);
    this.layout(scene.scale.width, scene.scale.height);
  }

  /** Places everything for a screen of `width` × `height`. */
  layout(width: number, height: number): void {
    this.width = width;
    this.height = height;
    const s = hudScale(width, height);
    this.scale = s;
    this.margin = hudMargin(width, height);
    const px = (n: number): string => `${Math.round(n * s)}px`;
    this.score.setFontSize(px(18));
    this.matchLabel.setFontSize(px(12));
    this.clock.setFontSize(px(30));
    this.net.setFontSize(px(14));
    this.respawn.setFontSize(px(30));
    this.banner.setFontSize(px(18));
    this.banner.setWordWrapWidth(width - 2 * this.margin - 36, true);
    this.hint.setFontSize(px(compactHud(width, height) ? 15 : 14));
    for (const entry of this.feed) entry.text.setFontSize(px(15));
    this.place();
  }

  /**
   * Whether the screen is a touch screen (Scores and Leave buttons), whether the thumb sticks
   * are used (not by a spectator), and the controls hint for them.
   */
  setTouch(touch: boolean, hint: string, sticks = touch): void {
    if (touch === this.touch && sticks === this.sticks && hint === this.hint.text) return;
    this.touch = touch;
    this.sticks = sticks;
    this.hint.setText(hint);
    // Shown again for a while: the controls changed.
    this.startedMs = null;
    this.hintGone = false;
    this.hint.setAlpha(1);
    this.place();
  }

  /**
   * A spectator's HUD: the score panel says whom the camera follows (`name`, null while
   * nobody); null goes back to a player's kills and deaths.
   */
  setWatching(name: string | null | undefined): void {
    const next = name === undefined ? null : { name };
    if (next?.name === this.watching?.name && (next === null) === (this.watching === null)) return;
    this.watching = next;
    this.watchShown = "";
  }

  /** The sizes of the room badge (null: none shown) and the sound badge, CSS px. */
  setDomPanels(badge: Size | null, sound: Size | null): void {
    const same = (a: Size | null, b: Size | null): boolean =>
      a === b || (a !== null && b !== null && Math.abs(a.width - b.width) < 1 && Math.abs(a.height - b.height) < 1);
    if (same(badge, this.badgeSize) && same(sound, this.soundSize)) return;
    this.badgeSize = badge;
    this.soundSize = sound;
    this.place();
  }

  /** The controls hint (e.g. after keys were rebound). */
  setHint(hint: string): void {
    if (hint === this.hint.text) return;
    this.hint.setText(hint);
    this.place();
  }

  /** How visible the controls hint is now (0 once it has faded, or while it is not shown). */
  hintAlpha(): number {
    return this.hint.visible ? this.hint.alpha : 0;
  }

  /**
   * How far the hint has faded with time alone (0 once gone, or while it is not shown): what
   * the thumb sticks' resting marks follow, wherever your ship is.
   */
  hintFade(): number {
    return this.hint.visible ? this.hintTimeAlpha : 0;
  }

  /** The text of the controls hint. */
  hintText(): string {
    return this.hint.text;
  }

  /** The text of the score panel. */
  scoreText(): string {
    return this.score.text;
  }

  /** The current layout (the thumb sticks' resting places come from it). */
  current(): HudLayout | null {
    return this.placed;
  }

  /** Every panel on screen now, by name, in CSS pixels (for the test hook). */
  boxes(): Record<string, Box> {
    const placed = this.placed;
    if (placed === null) return {};
    const out: Record<string, Box> = { score: placed.score, clock: placed.clock, net: placed.net };
    if (this.hintAlpha() > 0.05) {
      if (placed.hint !== null) out["hint"] = placed.hint;
      // The thumb sticks' resting places show (faintly) as long as the hint does.
      if (placed.moveStick !== null) out["moveStick"] = placed.moveStick;
      if (placed.aimStick !== null) out["aimStick"] = placed.aimStick;
    }
    if (this.banner.visible) out["banner"] = textBox(this.banner);
    if (this.respawn.visible) out["respawn"] = textBox(this.respawn);
    this.feed.forEach((entry, i) => {
      if (entry.text.visible) out[`feed${i}`] = textBox(entry.text);
    });
    return out;
  }

  /** Measures the panels and places them (again). */
  private place(): void {
    const s = this.scale;
    const score: Size = { width: Math.max(150 * s, this.score.width + 28 * s), height: 44 * s };
    const clock: Size = {
      width: Math.max(140 * s, Math.max(this.clock.width, this.matchLabel.width) + 24 * s),
      height: 58 * s,
    };
    const net: Size = {
      width: Math.max(110 * s, this.net.width + 24 * s),
      height: Math.max(50 * s, this.net.height + 14 * s),
    };
    // The hint is measured at each wrap width the layout tries.
    const measure = (maxWidth: number): Size => {
      this.hint.setWordWrapWidth(Math.max(40, maxWidth - 28), true);
      return { width: this.hint.width, height: this.hint.height };
    };
    const l = layoutHud({
      width: this.width,
      height: this.height,
      touch: this.touch,
      sticks: this.sticks,
      score,
      clock,
      net,
      // While you are destroyed the respawn countdown takes the middle, and the hint waits.
      hint: this.hintGone || this.respawn.visible ? null : measure,
      badge: this.badgeSize,
      sound: this.soundSize,
      respawn: this.respawn.visible ? { width: this.respawn.width, height: this.respawn.height } : null,
    });
    if (l.hint !== null) measure(l.hintWrap);
    this.placed = l;
    this.version += 1;
    this.laidOutFor = this.sizeKey();
    this.score.setPosition(l.score.x + 14 * s, l.score.y + l.score.height / 2);
    const cx = l.clock.x + l.clock.width / 2;
    this.matchLabel.setPosition(cx, l.clock.y + 6 * s);
    this.clock.setPosition(cx, l.clock.y + 18 * s);
    this.net.setPosition(l.net.x + l.net.width - 12 * s, l.net.y + l.net.height / 2);
    // No room for the hint on a tiny screen: not shown.
    this.hint.setVisible(l.hint !== null);
    if (l.hint !== null) this.hint.setPosition(l.hint.x, l.hint.y);
    if (l.respawn !== null) {
      this.respawn.setPosition(l.respawn.x + l.respawn.width / 2, l.respawn.y + l.respawn.height / 2);
    }
    this.banner.setPosition(this.width / 2, l.topBottom + this.margin);
    this.layoutFeed();
    this.drawPanels();
  }

  private sizeKey(): string {
    return [this.score, this.clock, this.matchLabel, this.net, this.hint, this.respawn]
      .map((t) => (t.visible || t !== this.respawn ? `${t.width}x${t.height}` : "-"))
      .join(",")
      .concat(this.hintGone ? ",gone" : "");
  }

  /** Refreshes every readout from `s`. */
  /** `ownShip`: where your ship is drawn on screen (CSS px), or null without one. */
  update(s: GameSnapshot, nowMs: number, ownShip: { x: number; y: number } | null = null): void {
    const self = s.players.find((p) => p.isSelf);
    if (this.watching !== null) this.showWatching(this.watching.name);
    else this.score.setText(self ? `Kills ${self.kills}    Deaths ${self.deaths}` : "Joining…");

    const warmup = s.phase === Phase.Warmup;
    this.matchLabel.setText(warmup ? "WAITING FOR PILOTS" : `MATCH ${s.matchNumber}`);
    const left = secondsUntil(s.phaseEndsTick, s.tick, s.tickRate);
    this.clock.setText(s.phase === Phase.Playing ? formatClock(left) : warmup ? "WARM-UP" : "RESULTS");
    this.clock.setColor(s.phase === Phase.Playing && left <= 10 ? UI.danger : UI.text);

    this.net.setText(`Ping ${formatPing(s.ping)}\nPlayers ${s.pilots.length}`);

    const dead = self !== undefined && !self.alive && s.phase !== Phase.Results;
    this.respawn.setVisible(dead);
    if (dead) {
      const wait = secondsUntil(self.respawnTick, s.tick, s.tickRate);
      this.respawn.setText(`DESTROYED\nRespawning in ${Math.max(1, Math.ceil(wait))}`);
    }

    this.banner.setVisible(s.connection === "reconnecting");
    this.startedMs ??= nowMs;
    const shownMs = nowMs - this.startedMs;
    this.hintTimeAlpha = hintOpacity(shownMs, null, null);
    // Toward the opacity for where your ship is, eased so a ship at the hint's edge does not
    // make it flicker.
    const target = hintOpacity(shownMs, this.placed?.hint ?? null, ownShip);
    const stepMax = this.hintSetMs === null ? 1 : Math.max(0, nowMs - this.hintSetMs) / HINT_EASE_MS;
    this.hintSetMs = nowMs;
    const alpha = this.hint.alpha + Math.max(-stepMax, Math.min(stepMax, target - this.hint.alpha));
    this.hint.setAlpha(Math.min(alpha, this.hintTimeAlpha));
    // Faded out: its place goes to the kill feed.
    this.hintGone = shownMs >= HINT_MS;
    this.fadeFeed(nowMs);
    if (this.sizeKey() !== this.laidOutFor) this.place();
  }

  /**
   * Adds a kill to the feed (newest on top, at most four), in the killer's ship colour
   * (`colors`: palette index by player id). A line you are in says "You"/"you" and is marked
   * with a "▶", so it stands out without relying on colour.
   */
  addKill(e: KillEvent, selfId: string, nowMs: number, colors: ReadonlyMap<string, number>): void {
    const killer = e.killerId === selfId ? "You" : e.killerName;
    const victim = e.victimId === selfId ? "you" : e.victimName;
    const suicide = e.killerId === e.victimId;
    const involved = e.killerId === selfId || e.victimId === selfId;
    const line = (involved ? "▶ " : "") + (suicide ? `${killer} self-destructed` : `${killer}  ✦  ${victim}`);
    const color = cssColor(colorOfPlayer(colors, e.killerId));
    const text = this.scene.add
      .text(0, 0, line, {
        ...style(15, color, { fontStyle: "bold", strokeThickness: 0 }),
        backgroundColor: involved ? "rgba(20, 27, 44, 0.92)" : "rgba(8, 12, 22, 0.72)",
        padding: { x: 10, y: 5 },
      })
      .setOrigin(1, 0)
      .setScrollFactor(0)
      .setDepth(HUD_DEPTH);
    this.styleFeedLine(text);
    this.feed.unshift({ text, bornMs: nowMs });
    while (this.feed.length > FEED_LINES) this.feed.pop()?.text.destroy();
    this.layoutFeed();
  }

  private fadeFeed(nowMs: number): void {
    for (let i = this.feed.length - 1; i >= 0; i--) {
      const entry = this.feed[i];
      if (entry === undefined) continue;
      const age = nowMs - entry.bornMs;
      if (age > FEED_SHOW_MS + FEED_FADE_MS) {
        entry.text.destroy();
        this.feed.splice(i, 1);
      } else if (age > FEED_SHOW_MS) {
        entry.text.setAlpha(1 - (age - FEED_SHOW_MS) / FEED_FADE_MS);
      }
    }
  }

  private styleFeedLine(text: Phaser.GameObjects.Text): void {
    text.setFontSize(`${Math.round(15 * this.scale)}px`);
  }

  /**
   * The score panel of a spectator: "Watching · <name>", the name shortened with "…" so the
   * panel never pushes past its share of the top row.
   */
  private showWatching(name: string | null): void {
    const full = name === null ? "Watching" : `Watching · ${name}`;
    if (this.watchShown === `${full}@${this.width}`) return;
    const s = this.scale;
    const maxWidth = Math.max(120 * s, Math.min(360 * s, this.width - 3 * this.margin - 110 * s) - 28 * s);
    const text =
      name === null
        ? full
        : `Watching · ${ellipsize(name, maxWidth, (n) => this.score.setText(`Watching · ${n}`).width)}`;
    this.score.setText(text);
    this.watchShown = `${full}@${this.width}`;
  }

  /** The feed's lines, newest on top, wrapped to its box; lines that would end below it wait. */
  private layoutFeed(): void {
    const area = this.placed?.feed ?? null;
    let y = area?.y ?? this.margin + 66;
    const right = area === null ? this.width - this.margin : area.x + area.width;
    const end = area === null ? this.height : area.y + area.height;
    const wrap = Math.max(60, (area?.width ?? this.width - 2 * this.margin) - 20);
    let full = false;
    for (const entry of this.feed) {
      const text = entry.text;
      if (text.style.wordWrapWidth !== wrap) text.setWordWrapWidth(wrap, true);
      text.setPosition(right, y);
      full ||= y + text.height > end;
      text.setVisible(!full);
      y += text.height + 4;
    }
  }

  private drawPanels(): void {
    const g = this.panel.clear();
    const l = this.placed;
    if (l === null) return;
    const r = 8 * this.scale;
    for (const b of [l.score, l.clock, l.net]) {
      g.fillStyle(UI.panel, 0.78).fillRoundedRect(b.x, b.y, b.width, b.height, r);
      g.lineStyle(1, UI.panelEdge, 0.9).strokeRoundedRect(b.x, b.y, b.width, b.height, r);
    }
  }
}

/** The screen box a fixed text covers (its origin taken into account). */
function textBox(t: Phaser.GameObjects.Text): Box {
  return { x: t.x - t.originX * t.width, y: t.y - t.originY * t.height, width: t.width, height: t.height };
}
