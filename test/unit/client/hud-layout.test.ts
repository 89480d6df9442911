import { describe, expect, it } from "vitest";
import {
  boxesOverlap,
  chatArea,
  domScale,
  hintMaxWidth,
  hudScale,
  insideScreen,
  layoutHud,
  type Box,
  type HudLayoutInput,
} from "../../../client/src/render/hud-layout.ts";

/** Panel sizes as the HUD measures them (text width + padding) at font scale `s`. */
function input(width: number, height: number, touch: boolean, hintRawWidth = 620): HudLayoutInput {
  const s = hudScale(width, height);
  const maxHint = hintMaxWidth(width, height, touch);
  const raw = hintRawWidth * s;
  const lines = Math.ceil(raw / (maxHint - 28));
  return {
    width,
    height,
    touch,
    score: { width: 200 * s, height: 44 * s },
    clock: { width: 140 * s, height: 58 * s },
    net: { width: 112 * s, height: 50 * s },
    hint: { width: Math.min(raw + 28, maxHint), height: lines * 20 * s + 14 },
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
  [1024, 768],
  [1280, 800],
  [1366, 768],
  [1920, 1080],
  [2560, 1440],
  [3840, 2160],
];

function panels(width: number, height: number, touch: boolean): Record<string, Box> {
  const l = layoutHud(input(width, height, touch));
  const chat = chatArea(width, height);
  const boxes: Record<string, Box> = {
    score: l.score,
    clock: l.clock,
    net: l.net,
    ...(l.hint !== null ? { hint: l.hint } : {}),
    // The chat's corner at its fullest, and the sound badge in the other bottom corner.
    chat: { x: 0, y: height - chat.height, width: chat.width, height: chat.height },
    sound: {
      x: width - 12 - 100 * domScale(width, height),
      y: height - 12 - 30 * domScale(width, height),
      width: 100 * domScale(width, height),
      height: 30 * domScale(width, height),
    },
  };
  if (l.moveStick !== null) boxes["moveStick"] = l.moveStick;
  if (l.aimStick !== null) boxes["aimStick"] = l.aimStick;
  if (l.scoresButton !== null) boxes["scoresButton"] = l.scoresButton;
  if (l.leaveButton !== null) boxes["leaveButton"] = l.leaveButton;
  return boxes;
}

describe("layoutHud", () => {
  for (const touch of [false, true]) {
    for (const [w, h] of SCREENS) {
      it(`${w} × ${h}${touch ? " (touch)" : ""}: no two panels overlap, all on screen`, () => {
        const boxes = Object.entries(panels(w, h, touch));
        // Phones, tablets and monitors all have room for the controls hint.
        expect(boxes.map(([name]) => name)).toContain("hint");
        for (const [name, box] of boxes) expect(insideScreen(box, w, h), `${name} on screen`).toBe(true);
        for (let i = 0; i < boxes.length; i++) {
          for (let j = i + 1; j < boxes.length; j++) {
            const [a, boxA] = boxes[i]!;
            const [b, boxB] = boxes[j]!;
            expect(boxesOverlap(boxA, boxB), `${a} ${JSON.stringify(boxA)} vs ${b} ${JSON.stringify(boxB)}`).toBe(
              false,
            );
          }
        }
      });
    }
  }

  it("lays out every screen from 360 × 360 to 3840 × 2160 (portrait and landscape) without overlaps", () => {
    const bad: string[] = [];
    for (let w = 360; w <= 3840; w += 40) {
      for (let h = 360; h <= 2160; h += 60) {
        for (const touch of [false, true]) {
          const boxes = Object.entries(panels(w, h, touch));
          for (const [name, box] of boxes)
            if (!insideScreen(box, w, h)) bad.push(`${w}x${h}${touch ? "t" : ""} ${name} off screen`);
          for (let i = 0; i < boxes.length; i++)
            for (let j = i + 1; j < boxes.length; j++)
              if (boxesOverlap(boxes[i]![1], boxes[j]![1]))
                bad.push(`${w}x${h}${touch ? "t" : ""} ${boxes[i]![0]}/${boxes[j]![0]}`);
        }
      }
    }
    expect(bad.slice(0, 20)).toEqual([]);
  });

  it("puts the three top panels in one row on wide screens and stacks the clock on phones", () => {
    const wide = layoutHud(input(1280, 800, false));
    expect(wide.stacked).toBe(false);
    expect(wide.clock.y).toBeLessThan(wide.score.y + wide.score.height);
    const phone = layoutHud(input(390, 844, true));
    expect(phone.stacked).toBe(true);
    expect(phone.clock.y).toBeGreaterThanOrEqual(phone.score.y + phone.score.height);
    expect(phone.feedTop).toBeGreaterThan(phone.clock.y + phone.clock.height);
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

  it("scales the HUD up on big screens, not past double", () => {
    expect(hudScale(1280, 800)).toBe(1);
    expect(hudScale(390, 844)).toBeLessThan(1);
    expect(hudScale(2560, 1440)).toBeCloseTo(1.6);
    expect(hudScale(7680, 4320)).toBe(2);
  });

  it("boxesOverlap ignores touching edges", () => {
    const a = { x: 0, y: 0, width: 10, height: 10 };
    expect(boxesOverlap(a, { x: 10, y: 0, width: 5, height: 5 })).toBe(false);
    expect(boxesOverlap(a, { x: 9, y: 9, width: 5, height: 5 })).toBe(true);
  });
});
