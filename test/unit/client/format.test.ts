import { describe, expect, it } from "vitest";
import {
  ellipsize,
  formatClock,
  formatPing,
  rankPlayers,
  scoreboardName,
  secondsUntil,
} from "../../../client/src/render/format.ts";
import {
  colorOfPlayer,
  cssColor,
  SELF_MARK,
  shipColor,
  SHIP_PALETTE,
  UI,
  UNKNOWN_PLAYER_COLOR,
} from "../../../client/src/render/palette.ts";
import { ARENA_BACKGROUND, ARENA_FLOOR } from "../../../shared/palette.ts";

describe("formatClock", () => {
  it("shows m:ss, rounding partial seconds up and clamping at zero", () => {
    expect(formatClock(300)).toBe("5:00");
    expect(formatClock(61.2)).toBe("1:02");
    expect(formatClock(9)).toBe("0:09");
    expect(formatClock(0.01)).toBe("0:01");
    expect(formatClock(-3)).toBe("0:00");
  });
});

describe("secondsUntil", () => {
  it("converts ticks to seconds at the tick rate", () => {
    expect(secondsUntil(9000, 8970, 30)).toBe(1);
    expect(secondsUntil(100, 130, 30)).toBe(0);
    expect(secondsUntil(100, 0, 0)).toBe(0);
  });
});

describe("rankPlayers", () => {
  it("ranks by kills, then fewer deaths, then name", () => {
    const players = [
      { id: "1", name: "bo", kills: 2, deaths: 5 },
      { id: "2", name: "al", kills: 4, deaths: 9 },
      { id: "3", name: "cy", kills: 2, deaths: 1 },
      { id: "4", name: "ab", kills: 2, deaths: 5 },
    ];
    expect(rankPlayers(players).map((p) => p.id)).toEqual(["2", "3", "4", "1"]);
    expect(players[0]?.id).toBe("1"); // input untouched
  });
});

describe("palette", () => {
  it("draws a ship in the palette colour of its index; your marks are in no ship's colour", () => {
    SHIP_PALETTE.forEach((rgb, i) => expect(shipColor(i)).toBe(rgb));
    // Indices past the palette (large rooms never send them, but a bad one must not crash) wrap.
    expect(shipColor(SHIP_PALETTE.length + 2)).toBe(SHIP_PALETTE[2]);
    expect(SHIP_PALETTE).not.toContain(SELF_MARK);
    const colors = new Map([
      ["a", 0],
      ["b", 5],
    ]);
    expect(colorOfPlayer(colors, "b")).toBe(SHIP_PALETTE[5]);
    expect(colorOfPlayer(colors, "gone")).toBe(UNKNOWN_PLAYER_COLOR);
    expect(cssColor(0x00ff08)).toBe("#00ff08");
  });

  it("searches the palette against the arena the client draws", () => {
    expect(UI.floor).toBe(ARENA_FLOOR);
    expect(UI.background).toBe(ARENA_BACKGROUND);
  });

  it("formats ping", () => {
    expect(formatPing(null)).toBe("— ms");
    expect(formatPing(41.6)).toBe("42 ms");
  });
});

describe("ellipsize and scoreboardName", () => {
  // A stand-in for a text's drawn width: 12 px a character, 6 px a space.
  const measure = (text: string): number => [...text].reduce((w, c) => w + (c === " " ? 6 : 12), 0);

  it("keeps a text that fits and shortens one that does not, with an ellipsis", () => {
    expect(ellipsize("Bot 5", 100, measure)).toBe("Bot 5");
    const cut = ellipsize("WWWWWWWWWWWWWWW6", 100, measure);
    expect(cut).toBe("WWWWWWW…");
    expect(measure(cut)).toBeLessThanOrEqual(100);
    expect(ellipsize("WWWW", 5, measure)).toBe("…");
    // Whole characters only: a family emoji is never split.
    const family = "👨‍👩‍👧‍👦";
    expect(ellipsize(`${family}${family}${family}`, 30, (t) => 12 * [...new Intl.Segmenter().segment(t)].length)).toBe(
      `${family}…`,
    );
  });

  it("fits your row's name and its (you) before the kills column, shortening the name only", () => {
    // QA's case: 16 wide letters with "(you)" ran over the kill count.
    const cell = scoreboardName("WWWWWWWWWWWWWWW6", true, 200, measure);
    expect(cell.endsWith("…  (you)")).toBe(true);
    expect(measure(cell)).toBeLessThanOrEqual(200);
    expect(scoreboardName("Bot 5", true, 200, measure)).toBe("Bot 5  (you)");
    expect(scoreboardName("WWWWWWWWWWWWWWW6", false, 150, measure)).toBe("WWWWWWWWWWW…");
  });
});
