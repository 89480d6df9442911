/**
 * The heads-up display, fixed to the screen: score, match clock, ping and player count, kill
 * feed, respawn countdown and the reconnecting banner.
 */
import { Phase } from "../../../shared/sim/world.ts";
import type Phaser from "phaser";
import type { GameSnapshot, KillEvent } from "../net/types.ts";
import { formatClock, formatPing, secondsUntil } from "./format.ts";
import { colorOfPlayer, cssColor, UI, UI_FONT } from "./palette.ts";

const FONT = UI_FONT;
const HUD_DEPTH = 1000;
const MARGIN = 16;
const FEED_SIZE = 4;
const FEED_SHOW_MS = 5000;
const FEED_FADE_MS = 800;
const HINT_MS = 10000;

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

  constructor(private readonly scene: Phaser.Scene) {
    const fixed = <T extends Phaser.GameObjects.Components.ScrollFactor & Phaser.GameObjects.Components.Depth>(
      o: T,
    ): T => {
      o.setScrollFactor(0);
      o.setDepth(HUD_DEPTH);
      return o;
    };
    this.panel = fixed(scene.add.graphics());
    this.score = fixed(scene.add.text(0, 0, "", style(18, UI.text, { fontStyle: "bold" })));
    this.matchLabel = fixed(scene.add.text(0, 0, "", style(12, UI.textDim, { fontStyle: "bold" })).setOrigin(0.5, 0));
    this.clock = fixed(scene.add.text(0, 0, "", style(30, UI.text, { fontStyle: "bold" })).setOrigin(0.5, 0));
    this.net = fixed(scene.add.text(0, 0, "", style(14, UI.textDim, { align: "right" })).setOrigin(1, 0));
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
      scene.add.text(
        0,
        0,
        "WASD / arrows: move   ·   mouse: aim   ·   click / Space: fire   ·   Tab: scores   ·   Esc: leave",
        {
          ...style(14, UI.text, { strokeThickness: 0 }),
          backgroundColor: "rgba(8, 12, 22, 0.78)",
          padding: { x: 14, y: 7 },
        },
      ),
    ).setOrigin(0.5, 1);
    this.layout(scene.scale.width, scene.scale.height);
  }

  /** Places everything for a screen of `width` × `height`. */
  layout(width: number, height: number): void {
    this.width = width;
    this.score.setPosition(MARGIN + 14, MARGIN + 10);
    this.matchLabel.setPosition(width / 2, MARGIN + 2);
    this.clock.setPosition(width / 2, MARGIN + 14);
    this.net.setPosition(width - MARGIN - 12, MARGIN + 10);
    this.respawn.setPosition(width / 2, height * 0.38);
    this.banner.setPosition(width / 2, MARGIN + 64);
    this.hint.setPosition(width / 2, height - MARGIN);
    this.layoutFeed();
    this.drawPanels();
  }

  /** Refreshes every readout from `s`. */
  update(s: GameSnapshot, nowMs: number): void {
    const self = s.players.find((p) => p.isSelf);
    this.score.setText(self ? `Kills ${self.kills}    Deaths ${self.deaths}` : "Joining…");

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
    this.hint.setAlpha(Math.max(0, Math.min(1, (HINT_MS - (nowMs - this.startedMs)) / 1000)));
    this.fadeFeed(nowMs);
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
    this.feed.unshift({ text, bornMs: nowMs });
    while (this.feed.length > FEED_SIZE) this.feed.pop()?.text.destroy();
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

  private layoutFeed(): void {
    this.feed.forEach((entry, i) => entry.text.setPosition(this.width - MARGIN, MARGIN + 66 + i * 34));
  }

  private drawPanels(): void {
    const g = this.panel.clear();
    const box = (x: number, y: number, w: number, h: number): void => {
      g.fillStyle(UI.panel, 0.78).fillRoundedRect(x, y, w, h, 8);
      g.lineStyle(1, UI.panelEdge, 0.9).strokeRoundedRect(x, y, w, h, 8);
    };
    box(MARGIN, MARGIN, 230, 44);
    box(this.width / 2 - 70, MARGIN - 4, 140, 58);
    box(this.width - MARGIN - 140, MARGIN, 140, 50);
  }
}
