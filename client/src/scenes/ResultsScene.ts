/**
 * The ranking overlay, launched above the match: the results while `phase === 1` (with a
 * countdown to the next match), and the live scoreboard while Tab is held during a match (with
 * the time left). Ranking by kills, then fewer deaths; your row highlighted.
 */
import Phaser from "phaser";
import { SceneKeys } from "../game/keys.ts";
import type { GameSnapshot, PilotView } from "../net/types.ts";
import { formatClock, rankPlayers, scoreboardName, secondsUntil } from "../render/format.ts";
import { SELF_MARK, shipColor, UI, UI_FONT } from "../render/palette.ts";

/** What the match scene passes: a reader for its latest snapshot. */
export interface ResultsData {
  readonly read: () => GameSnapshot | null;
}

const FONT = UI_FONT;
const PANEL_WIDTH = 520;
const ROW_HEIGHT = 32;
const HEADER_HEIGHT = 118;
const FOOTER_HEIGHT = 64;
/** Columns: rank, colour swatch, name, kills, deaths (x offsets inside the panel). */
const COLUMNS = { rank: 32, swatch: 60, name: 76, kills: 400, deaths: 478 } as const;
/** The name cell ends this far left of the kills column's centre (room for a 3-digit count). */
const NAME_END_GAP = 28;
/** How wide a name cell (with "(you)" on your row) may be. */
export const NAME_MAX_WIDTH = COLUMNS.kills - NAME_END_GAP - COLUMNS.name;

export class ResultsScene extends Phaser.Scene {
  private read: () => GameSnapshot | null = () => null;
  private shade!: Phaser.GameObjects.Rectangle;
  private panel!: Phaser.GameObjects.Graphics;
  private rows!: Phaser.GameObjects.Container;
  private title!: Phaser.GameObjects.Text;
  private footer!: Phaser.GameObjects.Text;
  private shownKey = "";
  private rowCount = 0;

  constructor() {
    super(SceneKeys.Results);
  }

  init(data: ResultsData): void {
    this.read = data.read;
    this.shownKey = "";
    this.rowCount = 0;
  }

  create(): void {
    this.shade = this.add.rectangle(0, 0, 10, 10, 0x03050a, 0.72).setOrigin(0, 0);
    this.panel = this.add.graphics();
    this.title = this.add
      .text(0, 0, "", { fontFamily: FONT, fontSize: "30px", fontStyle: "900", color: UI.text })
      .setOrigin(0.5, 0);
    this.rows = this.add.container(0, 0);
    this.footer = this.add
      .text(0, 0, "", { fontFamily: FONT, fontSize: "18px", fontStyle: "bold", color: UI.accent })
      .setOrigin(0.5, 0.5);
    this.scale.on(Phaser.Scale.Events.RESIZE, this.layout, this);
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () =>
      this.scale.off(Phaser.Scale.Events.RESIZE, this.layout, this),
    );
    this.cameras.main.fadeIn(250);
  }

  override update(): void {
    const snap = this.read();
    if (snap === null) return;
    const ranked = rankPlayers(snap.pilots);
    const key =
      ranked.map((p) => `${p.id}:${p.name}:${p.kills}:${p.deaths}:${p.color}`).join("|") +
      `#${snap.matchNumber}:${snap.phase}`;
    if (key !== this.shownKey) {
      this.shownKey = key;
      this.title.setText(
        snap.phase === 1
          ? `MATCH ${snap.matchNumber} OVER`
          : snap.phase === 2
            ? "WARM-UP · SCOREBOARD"
            : `MATCH ${snap.matchNumber} · SCOREBOARD`,
      );
      this.buildRows(ranked, snap.selfId);
      this.layout();
    }
    const left = Math.ceil(secondsUntil(snap.phaseEndsTick, snap.tick, snap.tickRate));
    this.footer.setText(
      snap.phase === 1
        ? `Next match in ${left} s`
        : snap.phase === 2
          ? "The match starts when another pilot joins"
          : `Match ends in ${formatClock(left)}`,
    );
  }

  private buildRows(ranked: readonly PilotView[], selfId: string): void {
    this.rows.removeAll(true);
    const header = (x: number, text: string, originX: number): Phaser.GameObjects.Text =>
      this.add
        .text(x, 0, text, { fontFamily: FONT, fontSize: "12px", fontStyle: "bold", color: UI.textDim })
        .setOrigin(originX, 0.5);
    this.rows.add([
      header(COLUMNS.rank, "#", 0.5),
      header(COLUMNS.name, "PILOT", 0),
      header(COLUMNS.kills, "KILLS", 0.5),
      header(COLUMNS.deaths, "DEATHS", 0.5),
    ]);
    ranked.forEach((p, i) => {
      const y = (i + 1) * ROW_HEIGHT;
      const self = p.id === selfId;
      if (self) {
        this.rows.add(
          this.add
            .rectangle(12, y, PANEL_WIDTH - 24, ROW_HEIGHT - 4, SELF_MARK, 0.1)
            .setStrokeStyle(1, SELF_MARK, 0.6)
            .setOrigin(0, 0.5),
        );
      }
      // Each pilot's ship colour as a swatch; your row is told by its frame, bold text and "(you)".
      this.rows.add(this.add.circle(COLUMNS.swatch, y, 7, shipColor(p.color)).setStrokeStyle(2, 0x05070d, 0.8));
      const cell = (x: number, text: string, originX: number): Phaser.GameObjects.Text =>
        this.add
          .text(x, y, text, { fontFamily: FONT, fontSize: "17px", fontStyle: self ? "bold" : "normal", color: UI.text })
          .setOrigin(originX, 0.5);
      // A long name is shortened ("…") so it, and your "(you)", end before the kills column.
      const name = cell(COLUMNS.name, "", 0);
      name.setText(scoreboardName(p.name, self, NAME_MAX_WIDTH, (text) => name.setText(text).width));
      this.rows.add([
        cell(COLUMNS.rank, String(i + 1), 0.5),
        name,
        cell(COLUMNS.kills, String(p.kills), 0.5),
        cell(COLUMNS.deaths, String(p.deaths), 0.5),
      ]);
    });
    this.rowCount = ranked.length;
  }

  private layout(): void {
    const { width, height } = this.scale;
    const panelHeight = HEADER_HEIGHT + (this.rowCount + 1) * ROW_HEIGHT + FOOTER_HEIGHT;
    // On a phone the whole panel is drawn smaller (the camera zooms out around the centre).
    const zoom = Math.min(1, (width - 16) / PANEL_WIDTH, (height - 16) / panelHeight);
    this.cameras.main.setZoom(zoom);
    this.shade
      .setPosition(width / 2, height / 2)
      .setOrigin(0.5, 0.5)
      .setSize(width / zoom + 2, height / zoom + 2);
    const x = Math.round(width / 2 - PANEL_WIDTH / 2);
    const y = Math.round(Math.max(16 - (height / zoom - height) / 2, height / 2 - panelHeight / 2));
    this.panel
      .clear()
      .fillStyle(UI.panel, 0.96)
      .fillRoundedRect(x, y, PANEL_WIDTH, panelHeight, 14)
      .lineStyle(2, UI.panelEdge, 1)
      .strokeRoundedRect(x, y, PANEL_WIDTH, panelHeight, 14)
      .lineStyle(1, UI.panelEdge, 0.8)
      .lineBetween(x + 20, y + panelHeight - FOOTER_HEIGHT, x + PANEL_WIDTH - 20, y + panelHeight - FOOTER_HEIGHT);
    this.title.setPosition(width / 2, y + 28);
    this.rows.setPosition(x, y + HEADER_HEIGHT - ROW_HEIGHT / 2 + 6);
    this.footer.setPosition(width / 2, y + panelHeight - FOOTER_HEIGHT / 2);
  }
}
