import { describe, expect, it } from "vitest";
import { formatClock, formatPing, rankPlayers, secondsUntil } from "../../../client/src/render/format.ts";
import { colorForId, cssColor, SELF_COLOR, shipColor, SHIP_PALETTE } from "../../../client/src/render/palette.ts";

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
  it("gives each id a stable palette colour and yourself a colour of your own", () => {
    expect(colorForId("abc")).toBe(colorForId("abc"));
    expect(SHIP_PALETTE).toContain(colorForId("xyz"));
    expect(SHIP_PALETTE).not.toContain(SELF_COLOR);
    expect(shipColor("abc", true)).toBe(SELF_COLOR);
    const distinct = new Set(["a", "b", "c", "d", "e", "f", "g", "h"].map(colorForId));
    expect(distinct.size).toBeGreaterThan(3);
    expect(cssColor(0x00ff08)).toBe("#00ff08");
  });

  it("formats ping", () => {
    expect(formatPing(null)).toBe("— ms");
    expect(formatPing(41.6)).toBe("42 ms");
  });
});
