/**
 * Where the HUD panels go on a screen of any size, from a 360 px phone in portrait to 4K:
 * engine-free (the HUD measures its texts and passes their sizes in), so it is tested without a
 * browser. Panels are anchored to the corners and edges and never overlap:
 *
 * - wide screens: score top-left, match clock top-centre, ping/players top-right, in one row;
 * - narrow screens (the three do not fit side by side): score and ping/players in the first row,
 *   the clock centred below them;
 * - the kill feed hangs right-aligned below the top block;
 * - the controls hint sits bottom-centre above the bottom row (chat, sound badge) and, on touch
 *   screens, above the two thumb sticks, whose resting places are drawn in the bottom corners.
 */
import { STICK_RADIUS } from "../input/touch-sticks.ts";

/** A screen rectangle in CSS pixels (the canvas fills the window, so canvas = page coordinates). */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Width and height of a panel, padding included. */
export interface Size {
  readonly width: number;
  readonly height: number;
}

/** Screens narrower than this get the phone layout (smaller margins and fonts). */
export const NARROW_WIDTH = 640;
/** Screens narrower than this get the narrow chat panel (client/src/ui/chat-panel.ts). */
const CHAT_NARROW_WIDTH = 600;

/**
 * The bottom-left corner the chat panel may fill when its log is full (client/src/ui/chat-panel.ts:
 * 360 px wide at 12 px from the edges, a log of at most min(190 px, 28 vh), the hint or field
 * under it; on screens under 600 px wide, 230 px wide at 6 px, a log of min(120 px, 22 vh); on
 * screens under 500 px tall, a log of min(70 px, 18 vh)).
 */
export function chatArea(width: number, height: number): Size {
  const narrow = width < CHAT_NARROW_WIDTH;
  const log =
    height < 500 ? Math.min(70, 0.18 * height) : narrow ? Math.min(120, 0.22 * height) : Math.min(190, 0.28 * height);
  if (narrow) return { width: 6 + 230, height: 6 + log + 6 + 30 };
  const z = domScale(width, height);
  return { width: 12 + 360 * z, height: 12 + (log + 6 + 34) * z };
}

/**
 * The scale of the HUD's DOM widgets (chat, sound badge, room badge: a CSS transform, set as
 * `--hud-dom-scale` on the page): the HUD's font scale on big screens, 1 on phones.
 */
export function domScale(width: number, height: number): number {
  return width < NARROW_WIDTH ? 1 : hudScale(width, height);
}

/** Height kept free at the bottom for the chat hint and the sound badge (12 px from the edge). */
function bottomRow(width: number, height: number): number {
  return 12 + 36 * domScale(width, height);
}

/** The font scale of the HUD: smaller on phones, larger on big screens (a 4K monitor doubles it). */
export function hudScale(width: number, height: number): number {
  if (width < NARROW_WIDTH) return 0.85;
  return Math.min(2, Math.max(1, Math.min(width / 1600, height / 900)));
}

/** The gap between the screen edge and the panels, and between panels. */
export function hudMargin(width: number): number {
  return width < NARROW_WIDTH ? 8 : 16;
}

/** Touch screens shorter than this put the controls hint between the sticks, not above them. */
const SHORT_TOUCH_HEIGHT = 500;

/** How wide the controls hint may be (it wraps to this, padding included). */
export function hintMaxWidth(width: number, height: number, touch: boolean): number {
  const m = hudMargin(width);
  if (touch && height < SHORT_TOUCH_HEIGHT) return width - 2 * (m + 12 + 2 * STICK_RADIUS + m);
  return Math.min(width - 2 * m, 900 * hudScale(width, height));
}

/** What the layout needs: the screen, whether it is a touch screen, and the measured panels. */
export interface HudLayoutInput {
  readonly width: number;
  readonly height: number;
  readonly touch: boolean;
  readonly score: Size;
  readonly clock: Size;
  readonly net: Size;
  readonly hint: Size;
}

/** The touch buttons (scores, leave: there is no Tab or Esc on a phone), CSS px. */
export const TOUCH_BUTTON: Size = { width: 76, height: 34 };

/** Where each panel goes. */
export interface HudLayout {
  readonly score: Box;
  readonly clock: Box;
  readonly net: Box;
  /** Null where no place is free for it (a tiny screen): the hint is not shown then. */
  readonly hint: Box | null;
  /** The thumb sticks' resting places (touch screens only). */
  readonly moveStick: Box | null;
  readonly aimStick: Box | null;
  /** The touch buttons: scoreboard (left) and leave (right), touch screens only. */
  readonly scoresButton: Box | null;
  readonly leaveButton: Box | null;
  /** Where the kill feed starts (its lines are right-aligned to `width - margin`). */
  readonly feedTop: number;
  /** The bottom edge of the top block (score, clock, ping): DOM badges go below it. */
  readonly topBottom: number;
  /** True when the clock sits below the score and ping instead of between them. */
  readonly stacked: boolean;
}

/** Lays the panels out for one screen. */
export function layoutHud(input: HudLayoutInput): HudLayout {
  const { width, height, score, clock, net, hint } = input;
  const m = hudMargin(width);
  const clockLeft = (width - clock.width) / 2;
  const oneRow = m + score.width + m <= clockLeft && clockLeft + clock.width + m <= width - m - net.width;

  const scoreBox: Box = { x: m, y: m, ...score };
  let netBox: Box;
  let clockBox: Box;
  if (oneRow) {
    netBox = { x: width - m - net.width, y: m, ...net };
    clockBox = { x: clockLeft, y: Math.max(0, m - 4), ...clock };
  } else {
    // Score and ping side by side if they fit, else the ping under the score.
    netBox =
      m + score.width + m + net.width + m <= width
        ? { x: width - m - net.width, y: m, ...net }
        : { x: m, y: m + score.height + m, ...net };
    const below = Math.max(bottom(scoreBox), bottom(netBox)) + m;
    clockBox = { x: clockLeft, y: below, ...clock };
  }
  let topBottom = Math.max(bottom(scoreBox), bottom(netBox), bottom(clockBox));

  // Touch buttons: beside the clock when it has a row of its own and there is room, else in a
  // row under the score and the ping.
  let scoresButton: Box | null = null;
  let leaveButton: Box | null = null;
  if (input.touch) {
    const b = TOUCH_BUTTON;
    if (!oneRow && m + b.width + m <= clockBox.x) {
      // Beside the clock, in its own row.
      const y = clockBox.y + (clockBox.height - b.height) / 2;
      scoresButton = { x: m, y, ...b };
      leaveButton = { x: width - m - b.width, y, ...b };
    } else if (
      oneRow &&
      right(scoreBox) + m + b.width + m <= clockBox.x &&
      right(clockBox) + m + b.width + m <= netBox.x
    ) {
      // In the top row, between the clock and the score or the ping.
      const y = m + (score.height - b.height) / 2;
      scoresButton = { x: right(scoreBox) + m, y, ...b };
      leaveButton = { x: netBox.x - m - b.width, y, ...b };
    } else {
      const y = topBottom + m;
      scoresButton = { x: m, y, ...b };
      leaveButton = { x: width - m - b.width, y, ...b };
    }
    topBottom = Math.max(topBottom, bottom(scoresButton));
  }

  // The chat's corner: the hint goes beside it if it fits there, else above it.
  const chat = chatArea(width, height);
  const chatTop = height - chat.height;
  let moveStick: Box | null = null;
  let aimStick: Box | null = null;
  let floor = height - bottomRow(width, height) - m;
  if (input.touch) {
    const d = 2 * STICK_RADIUS;
    const y = Math.max(topBottom + m, Math.min(height - bottomRow(width, height) - m, chatTop - m) - d);
    moveStick = { x: m + 12, y, width: d, height: d };
    aimStick = { x: width - m - 12 - d, y, width: d, height: d };
    floor = y - m;
  }
  let hintX = (width - hint.width) / 2;
  let hintY = floor - hint.height;
  if (moveStick !== null && height < SHORT_TOUCH_HEIGHT) {
    // A short touch screen (a phone held sideways): between the two sticks.
    hintY = moveStick.y + Math.max(0, (moveStick.height - hint.height) / 2);
  } else if (hintY + hint.height > chatTop - m) {
    const beside = width - m - (chat.width + m);
    if (hint.width <= beside) hintX = chat.width + m + (beside - hint.width) / 2;
    else hintY = chatTop - m - hint.height;
  }
  // Never up into the top block.
  let hintBox: Box | null = { x: hintX, y: Math.max(topBottom + m, hintY), ...hint };
  const taken = [
    { x: 0, y: chatTop, ...chat },
    { x: 0, y: 0, width, height: topBottom },
    ...(moveStick !== null && aimStick !== null ? [moveStick, aimStick] : []),
  ];
  if (!insideScreen(hintBox, width, height) || taken.some((b) => boxesOverlap(b, hintBox!))) hintBox = null;

  return {
    score: scoreBox,
    clock: clockBox,
    net: netBox,
    hint: hintBox,
    moveStick,
    aimStick,
    scoresButton,
    leaveButton,
    feedTop: topBottom + m,
    topBottom,
    stacked: !oneRow,
  };
}

function bottom(b: Box): number {
  return b.y + b.height;
}

function right(b: Box): number {
  return b.x + b.width;
}

/** Whether two boxes share any area (touching edges do not count). */
export function boxesOverlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Whether `b` lies wholly inside a `width` × `height` screen. */
export function insideScreen(b: Box, width: number, height: number): boolean {
  return b.x >= 0 && b.y >= 0 && b.x + b.width <= width && b.y + b.height <= height;
}
