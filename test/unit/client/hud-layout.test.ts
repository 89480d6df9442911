import { describe, expect, it } from "vitest";
import {
  boxesOverlap,
  feedLines,
  hudScale,
  insideScreen,
  layoutHud,
  type Box,
  type HudLayout,
  type HudLayoutInput,
  type Size,
  hintOpacity,
  HINT_MS,
  HINT_OVER_SHIP_ALPHA,
} from "../../../client/src/render/hud-layout.ts";

/** What the match shows: a player, a spectator (room badge "Watching…"), a private room's player. */
type Mode = "play" | "watch" | "private";

/**
 * Panel sizes as the HUD measures them (text width + padding) at font scale `s`; the hint is
 * measured at whatever width the layout tries (`hintRawWidth` px of text, 20 px lines).
 */
function input(
  width: number,
  height: number,
  touch: boolean,
  hintRawWidth = 620,
  mode: Mode = "play",
  hintShown = true,
  destroyed = false,
): HudLayoutInput {
  const s = hudScale(width, height);
  const raw = hintRawWidth * s;
  const hint = (maxWidth: number): Size => {
    const lines = Math.ceil(raw / (maxWidth - 28));
    return { width: Math.min(raw + 28, maxWidth), height: lines * 20 * s + 14 };
  };
  // The room badge as Chromium draws it: centred with `left: 50%`, so it wraps to half the
  // screen ("Watching · following Bot 5 · Space: next pilot" is 330 px on one line).
  const badgeText = mode === "watch" ? 330 : mode === "private" ? 300 : 0;
  const badge =
    badgeText === 0 ? null : { width: Math.min(badgeText, width / 2), height: badgeText > width / 2 ? 44 : 28 };
  return {
    width,
    height,
    touch,
    sticks: touch && mode !== "watch",
    score: { width: 210 * s, height: 44 * s },
    clock: { width: 140 * s, height: 58 * s },
    net: { width: 112 * s, height: 50 * s },
    hint: hintShown && !destroyed ? hint : null,
    badge,
    // "DESTROYED / Respawning in 3" at 30 px, bold (the hint waits meanwhile).
    respawn: destroyed ? { width: 250 * s, height: 84 * s } : null,
  };
}

const SCREENS: ReadonlyArray<readonly [number, number]> = [
  [360, 640],
  [375, 667],
  [390, 844],
  [412, 915],
  [640, 360],
  [844, 390],
  [768, 1024],
  [1024, 600],
  [1024, 768],
  [1280, 800],
  [1366, 768],
  [1920, 1080],
  [2560, 1440],
  [3840, 2160],
];

/**
 * Every panel of a layout (the kill feed's box if it has room), by name. The thumb sticks'
 * resting places are drawn only while the hint shows (not while the respawn countdown does).
 */
function panelsOf(l: HudLayout): Record<string, Box> {
  const boxes: Record<string, Box> = {
    score: l.score,
    clock: l.clock,
    net: l.net,
    // The chat's corner at its fullest, and the sound badge in the other bottom corner.
    chat: l.chat,
    sound: l.sound,
  };
  for (const name of ["hint", "moveStick", "aimStick", "scoresButton", "leaveButton", "badge", "respawn"] as const) {
    const box = l[name];
    const ghost = name === "moveStick" || name === "aimStick";
    if (box !== null && !(ghost && l.respawn !== null)) boxes[name] = box;
  }
  if (l.feed.height > 0) boxes["feed"] = l.feed;
  return boxes;
}

/** Pairs of panels that share area, and panels not wholly on screen. */
function problems(boxes: Record<string, Box>, width: number, height: number): string[] {
  const out: string[] = [];
  const entries = Object.entries(boxes);
  for (const [name, box] of entries) if (!insideScreen(box, width, height)) out.push(`${name} off screen`);
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      const [a, boxA] = entries[i]!;
      const [b, boxB] = entries[j]!;
      if (boxesOverlap(boxA, boxB)) out.push(`${a} ${JSON.stringify(boxA)} / ${b} ${JSON.stringify(boxB)}`);
    }
  }
  return out;
}

describe("layoutHud", () => {
  for (const mode of ["play", "watch", "private"] as const) {
    for (const touch of [false, true]) {
      for (const [w, h] of SCREENS) {
        it(`${w} × ${h}${touch ? " (touch)" : ""}, ${mode}: no two panels overlap, all on screen, the ship's spot free`, () => {
          for (const [hintShown, destroyed] of [
            [true, false],
            [false, false],
            [true, true],
          ] as const) {
            const l = layoutHud(input(w, h, touch, touch ? 470 : 620, mode, hintShown, destroyed && mode !== "watch"));
            const boxes = panelsOf(l);
            // Phones, tablets and monitors all have room for the controls hint.
            if (hintShown && !destroyed) expect(Object.keys(boxes)).toContain("hint");
            expect(problems(boxes, w, h)).toEqual([]);
            // Nothing that stays up covers the middle, where the camera holds your ship.
            for (const name of ["hint", "badge", "feed"]) {
              if (boxes[name] !== undefined)
                expect(boxesOverlap(boxes[name], l.ship), `${name} on the ship`).toBe(false);
            }
            // The kill feed keeps a line while the hint or the respawn countdown shows, two after.
            expect(feedLines(l.feed, hudScale(w, h))).toBeGreaterThanOrEqual(hintShown ? 1 : 2);
          }
        });
      }
    }
  }

  it("lays out every screen from 360 × 360 to 3840 × 2160 (portrait and landscape) without overlaps", () => {
    const bad: string[] = [];
    for (let w = 360; w <= 3840; w += 40) {
      for (let h = 360; h <= 2160; h += 60) {
        // A screen a phone's size or larger (640 px on its long side): a room badge too, the
        // ship's spot kept free and a kill feed; smaller squares have the player's panels.
        const phone = Math.max(w, h) >= 640;
        for (const touch of [false, true]) {
          for (const mode of phone ? (["play", "watch", "private"] as const) : (["play"] as const)) {
            for (const [hintShown, destroyed] of [
              [true, false],
              [false, false],
              [false, true],
            ] as const) {
              if (destroyed && mode === "watch") continue;
              const l = layoutHud(input(w, h, touch, touch ? 470 : 620, mode, hintShown, destroyed));
              const tag = `${w}x${h}${touch ? "t" : ""} ${mode}${hintShown ? "" : " (hint gone)"}${destroyed ? " (destroyed)" : ""}`;
              for (const p of problems(panelsOf(l), w, h)) bad.push(`${tag}: ${p}`);
              if (!phone) continue;
              for (const box of [l.hint, l.badge, l.feed.height > 0 ? l.feed : null]) {
                if (box !== null && boxesOverlap(box, l.ship)) bad.push(`${tag}: on the ship`);
              }
              if (feedLines(l.feed, hudScale(w, h)) < 1 && !destroyed) bad.push(`${tag}: no kill feed`);
            }
          }
        }
      }
    }
    expect(bad.slice(0, 20)).toEqual([]);
  });

  describe("the layouts QA found overlapping", () => {
    it("640 × 360 touch: the kill feed stays clear of the hint and the aim stick", () => {
      const l = layoutHud(input(640, 360, true, 470));
      expect(l.hint).not.toBeNull();
      expect(boxesOverlap(l.feed, l.hint!)).toBe(false);
      expect(boxesOverlap(l.feed, l.aimStick!)).toBe(false);
      expect(feedLines(l.feed, hudScale(640, 360))).toBeGreaterThanOrEqual(1);
    });

    it("640 × 360 desktop, private room: the room badge and the hint are apart and off your ship", () => {
      const l = layoutHud(input(640, 360, false, 620, "private"));
      expect(l.badge).not.toBeNull();
      expect(l.hint).not.toBeNull();
      expect(boxesOverlap(l.badge!, l.hint!)).toBe(false);
      expect(boxesOverlap(l.badge!, l.ship)).toBe(false);
      expect(boxesOverlap(l.hint!, l.ship)).toBe(false);
      expect(problems(panelsOf(l), 640, 360)).toEqual([]);
    });

    it("360 × 640 watching on a phone: the kill feed starts below the Watching badge; no thumb sticks", () => {
      const l = layoutHud(input(360, 640, true, 300, "watch"));
      expect(l.badge).not.toBeNull();
      expect(l.feed.y).toBeGreaterThanOrEqual(l.badge!.y + l.badge!.height);
      expect(l.moveStick).toBeNull();
      expect(l.aimStick).toBeNull();
      // The Scores and Leave buttons stay (no Tab or Esc on a phone).
      expect(l.leaveButton).not.toBeNull();
      expect(problems(panelsOf(l), 360, 640)).toEqual([]);
    });

    it("844 × 390 sideways: the kill feed ends above the aim stick", () => {
      for (const hintShown of [true, false]) {
        const l = layoutHud(input(844, 390, true, 470, "play", hintShown));
        expect(l.feed.y + l.feed.height).toBeLessThanOrEqual(l.aimStick!.y);
        expect(feedLines(l.feed, hudScale(844, 390))).toBeGreaterThanOrEqual(hintShown ? 1 : 3);
      }
    });
  });

  it("puts the three top panels in one row on wide screens and stacks the clock on phones", () => {
    const wide = layoutHud(input(1280, 800, false));
    expect(wide.stacked).toBe(false);
    expect(wide.clock.y).toBeLessThan(wide.score.y + wide.score.height);
    const phone = layoutHud(input(390, 844, true, 470));
    expect(phone.stacked).toBe(true);
    expect(phone.clock.y).toBeGreaterThanOrEqual(phone.score.y + phone.score.height);
    expect(phone.feedTop).toBeGreaterThan(phone.clock.y + phone.clock.height);
  });

  it("keeps the top block one row on a 640 px screen, the clock moved off the middle if it must", () => {
    // Warm-up: "WAITING FOR PILOTS" makes the clock wide; the score is wide too.
    const l = layoutHud({
      ...input(640, 360, false),
      clock: { width: 196, height: 58 },
      score: { width: 210, height: 44 },
    });
    expect(l.stacked).toBe(false);
    expect(l.clock.x).toBeGreaterThanOrEqual(l.score.x + l.score.width);
    expect(l.clock.x + l.clock.width).toBeLessThanOrEqual(l.net.x);
    // A phone held sideways fits the Scores and Leave buttons in that row too.
    const touch = layoutHud(input(640, 360, true, 470));
    expect(touch.stacked).toBe(false);
    expect(touch.leaveButton!.y).toBeLessThan(touch.net.y + touch.net.height);
  });

  it("keeps room for the thumb sticks and touch buttons only on touch screens", () => {
    expect(layoutHud(input(390, 844, false)).moveStick).toBeNull();
    expect(layoutHud(input(390, 844, false)).leaveButton).toBeNull();
    const touch = layoutHud(input(390, 844, true));
    expect(touch.moveStick!.x).toBeLessThan(390 / 2);
    expect(touch.aimStick!.x).toBeGreaterThan(390 / 2);
    // On a phone the buttons flank the clock; the feed starts below all of them.
    expect(touch.leaveButton!.y).toBeGreaterThanOrEqual(touch.clock.y);
    expect(touch.feedTop).toBeGreaterThan(touch.leaveButton!.y + touch.leaveButton!.height);
  });

  it("scales the HUD up on big screens, not past double, and down on phones either way up", () => {
    expect(hudScale(1280, 800)).toBe(1);
    expect(hudScale(390, 844)).toBeLessThan(1);
    expect(hudScale(844, 390)).toBeLessThan(1);
    expect(hudScale(2560, 1440)).toBeCloseTo(1.6);
    expect(hudScale(7680, 4320)).toBe(2);
  });

  it("boxesOverlap ignores touching edges", () => {
    const a = { x: 0, y: 0, width: 10, height: 10 };
    expect(boxesOverlap(a, { x: 10, y: 0, width: 5, height: 5 })).toBe(false);
    expect(boxesOverlap(a, { x: 9, y: 9, width: 5, height: 5 })).toBe(true);
  });
});

describe("hintOpacity", () => {
  const hint = { x: 100, y: 400, width: 300, height: 40 };

  it("shows the hint fully for 9 s, fades it over the 10th, then hides it", () => {
    expect(hintOpacity(0, hint, null)).toBe(1);
    expect(hintOpacity(HINT_MS - 1000, hint, null)).toBe(1);
    expect(hintOpacity(HINT_MS - 500, hint, null)).toBeCloseTo(0.5);
    expect(hintOpacity(HINT_MS, hint, null)).toBe(0);
    expect(hintOpacity(HINT_MS + 5000, hint, null)).toBe(0);
  });

  it("turns the hint faint while your ship is under it, and back when it moves away", () => {
    expect(hintOpacity(1000, hint, { x: 250, y: 420 })).toBe(HINT_OVER_SHIP_ALPHA);
    // The ship's clearance box (its name and the YOU label) reaching under the hint counts too.
    expect(hintOpacity(1000, hint, { x: 250, y: 480 })).toBe(HINT_OVER_SHIP_ALPHA);
    expect(hintOpacity(1000, hint, { x: 250, y: 600 })).toBe(1);
    expect(hintOpacity(1000, hint, { x: 700, y: 420 })).toBe(1);
    // Fading below the faint level: the fade wins.
    expect(hintOpacity(HINT_MS - 100, hint, { x: 250, y: 420 })).toBeCloseTo(0.1);
  });
});
