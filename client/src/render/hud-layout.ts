/**
 * Where the HUD panels go on a screen of any size, from a 360 px phone in portrait to 4K:
 * engine-free (the HUD measures its texts and passes their sizes in), so it is tested without a
 * browser. Panels are anchored to the corners and edges and never overlap:
 *
 * - wide screens: score top-left, match clock top-centre (moved aside if the score or the ping
 *   leaves it no room there), ping/players top-right, in one row; touch screens put the Scores
 *   and Leave buttons in that row if they fit, else in a row below;
 * - narrow screens (the three do not fit side by side): score and ping/players in the first row,
 *   the clock centred below them;
 * - the room badge (a private room's code, "Watching") hangs centred below the top block;
 * - the middle of the screen is kept free for the ship the camera follows (and, while you are
 *   destroyed, the respawn countdown);
 * - the chat's corner (bottom left) and the sound badge (bottom right) are fixed; on touch
 *   screens the thumb sticks' resting places are above the chat and in the bottom-right corner;
 * - the controls hint takes the first free place (bottom centre, above the chat, above the
 *   ship, beside the chat...) that leaves the kill feed the most lines;
 * - the kill feed hangs right-aligned below the top block and the badge, in the column (full
 *   width, or right of the ship or the badge) that holds the most lines; lines that do not fit
 *   wait until there is room.
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
/** Screens shorter than this (a phone held sideways) get the phone's margins and fonts too. */
export const SHORT_HEIGHT = 500;

/** Whether a screen gets the phone layout's smaller margins and fonts. */
export function compactHud(width: number, height: number): boolean {
  return width < NARROW_WIDTH || height < SHORT_HEIGHT;
}
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

/**
 * The font scale of the HUD: smaller on phones (either way up), larger on big screens (a 4K
 * monitor doubles it).
 */
export function hudScale(width: number, height: number): number {
  if (compactHud(width, height)) return 0.85;
  return Math.min(2, Math.max(1, Math.min(width / 1600, height / 900)));
}

/** The gap between the screen edge and the panels, and between panels. */
export function hudMargin(width: number, height: number): number {
  return compactHud(width, height) ? 8 : 16;
}

/** Touch screens shorter than this put the controls hint between the sticks, not above them. */
const SHORT_TOUCH_HEIGHT = SHORT_HEIGHT;

/**
 * Room kept free around the middle of the screen, where the camera holds the ship you fly or
 * watch (its name label above, the "YOU" label below: client/src/render/ship-sprites.ts).
 */
export const SHIP_CLEARANCE: Size = { width: 96, height: 104 };

/** The kill feed's widest line at font scale 1 (a longer line wraps). */
export const FEED_MAX_WIDTH = 420;
/** The kill feed is never squeezed narrower than this (font scale 1) beside another panel. */
const FEED_MIN_WIDTH = 200;
/** One kill-feed line at font scale 1: 15 px text, 5 px padding above and below, 4 px gap. */
export const FEED_LINE_HEIGHT = 32;
/** The kill feed shows at most this many lines. */
export const FEED_LINES = 4;

/** The sound badge's size at DOM scale 1 (client/src/ui/sound-badge.ts), until it is measured. */
const SOUND_BADGE: Size = { width: 100, height: 30 };

/** How wide the controls hint may be (it wraps to this, padding included). */
export function hintMaxWidth(width: number, height: number, touch: boolean): number {
  const m = hudMargin(width, height);
  if (touch && height < SHORT_TOUCH_HEIGHT) return width - 2 * (m + 12 + 2 * STICK_RADIUS + m);
  return Math.min(width - 2 * m, 900 * hudScale(width, height));
}

/** The size of the controls hint when it wraps to `maxWidth` (padding included). */
export type HintMeasure = (maxWidth: number) => Size;

/** What the layout needs: the screen, whether it is a touch screen, and the measured panels. */
export interface HudLayoutInput {
  readonly width: number;
  readonly height: number;
  /** A touch screen: the Scores and Leave buttons. */
  readonly touch: boolean;
  /** The thumb sticks' resting places (default: `touch`; a spectator on a phone has none). */
  readonly sticks?: boolean;
  readonly score: Size;
  readonly clock: Size;
  readonly net: Size;
  /**
   * The controls hint, measured at a given wrap width (or a fixed size); null while it is not
   * shown (it fades out after a while).
   */
  readonly hint: HintMeasure | Size | null;
  /** The room badge (DOM, centred below the top block: a private room's code, "Watching"). */
  readonly badge?: Size | null;
  /** The sound badge in the bottom-right corner (DOM), if measured. */
  readonly sound?: Size | null;
  /** The respawn countdown, while you are destroyed: over your wreck, in the middle. */
  readonly respawn?: Size | null;
}

/** The touch buttons (scores, leave: there is no Tab or Esc on a phone), CSS px. */
export const TOUCH_BUTTON: Size = { width: 76, height: 34 };

/** Where each panel goes. */
export interface HudLayout {
  readonly score: Box;
  readonly clock: Box;
  readonly net: Box;
  /** Null where no place is free for it (a tiny screen) or while it is not shown. */
  readonly hint: Box | null;
  /** The width the hint wraps to (padding included) for the place it was given. */
  readonly hintWrap: number;
  /** The thumb sticks' resting places (touch screens only). */
  readonly moveStick: Box | null;
  readonly aimStick: Box | null;
  /** The touch buttons: scoreboard (left) and leave (right), touch screens only. */
  readonly scoresButton: Box | null;
  readonly leaveButton: Box | null;
  /** The room badge (its top is set from here; it stays centred), null without one. */
  readonly badge: Box | null;
  /** The bottom-left corner the chat may fill, and the sound badge (bottom right). */
  readonly chat: Box;
  readonly sound: Box;
  /** The middle of the screen, kept free for the ship the camera follows (and the respawn countdown). */
  readonly ship: Box;
  /** The respawn countdown (centred on the screen), null when there is none. */
  readonly respawn: Box | null;
  /**
   * Where the kill feed may draw: its lines are right-aligned to the box's right edge, wrap to
   * its width, and a line that would end below it is not shown.
   */
  readonly feed: Box;
  /** Where the kill feed starts (`feed.y`). */
  readonly feedTop: number;
  /** The bottom edge of the top block (score, clock, ping, touch buttons). */
  readonly topBottom: number;
  /** True when the clock sits below the score and ping instead of between them. */
  readonly stacked: boolean;
}

/** Lays the panels out for one screen. */
export function layoutHud(input: HudLayoutInput): HudLayout {
  const { width, height, score, clock, net } = input;
  const sticks = input.sticks ?? input.touch;
  const m = hudMargin(width, height);
  const s = hudScale(width, height);
  // The clock goes in the middle, or as near it as the score and the ping let it.
  const gapLeft = m + score.width + m;
  const gapRight = width - m - net.width - m;
  const oneRow = gapLeft + clock.width <= gapRight;
  const clockLeft = oneRow
    ? Math.min(Math.max((width - clock.width) / 2, gapLeft), gapRight - clock.width)
    : (width - clock.width) / 2;

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
    } else if (oneRow && gapLeft + b.width + m + clock.width + m + b.width <= gapRight) {
      // In the top row, between the clock and the score or the ping (the clock moved off the
      // middle if it must).
      const y = m + (score.height - b.height) / 2;
      scoresButton = { x: right(scoreBox) + m, y, ...b };
      leaveButton = { x: netBox.x - m - b.width, y, ...b };
      const left = right(scoresButton) + m;
      const rightmost = leaveButton.x - m - clock.width;
      clockBox = { ...clockBox, x: Math.min(Math.max((width - clock.width) / 2, left), rightmost) };
    } else {
      const y = topBottom + m;
      scoresButton = { x: m, y, ...b };
      leaveButton = { x: width - m - b.width, y, ...b };
    }
    topBottom = Math.max(topBottom, bottom(scoresButton));
  }
  const top: Box = { x: 0, y: 0, width, height: topBottom };

  // The bottom corners: the chat (left) and the sound badge (right).
  const chatSize = chatArea(width, height);
  const chatBox: Box = { x: 0, y: height - chatSize.height, ...chatSize };
  const chatTop = chatBox.y;
  const z = domScale(width, height);
  const soundSize = input.sound ?? { width: SOUND_BADGE.width * z, height: SOUND_BADGE.height * z };
  const soundEdge = width <= 480 ? 6 : 12;
  const soundBox: Box = {
    x: width - soundEdge - soundSize.width,
    y: height - soundEdge - soundSize.height,
    ...soundSize,
  };
  const respawn: Box | null =
    input.respawn != null
      ? { x: (width - input.respawn.width) / 2, y: (height - input.respawn.height) / 2, ...input.respawn }
      : null;
  // The ship's spot, widened to the respawn countdown while there is one.
  const shipSize: Size =
    respawn === null
      ? SHIP_CLEARANCE
      : {
          width: Math.max(SHIP_CLEARANCE.width, respawn.width),
          height: Math.max(SHIP_CLEARANCE.height, respawn.height),
        };
  const ship: Box = { x: (width - shipSize.width) / 2, y: (height - shipSize.height) / 2, ...shipSize };

  // The thumb sticks rest in the bottom corners, above the chat; on a landscape screen the aim
  // stick rests down by the sound badge (leaving the kill feed room above it).
  let moveStick: Box | null = null;
  let aimStick: Box | null = null;
  let floor = height - bottomRow(width, height) - m;
  let rightFloor = floor;
  const short = sticks && height < SHORT_TOUCH_HEIGHT;
  if (sticks) {
    const d = 2 * STICK_RADIUS;
    const lowest = height - bottomRow(width, height) - m;
    const y = Math.max(topBottom + m, Math.min(lowest, chatTop - m) - d);
    // Side by side on a portrait screen; on a landscape one the aim stick rests lower.
    const aimY = width > height ? Math.max(y, Math.min(lowest, soundBox.y - m) - d) : y;
    moveStick = { x: m + 12, y, width: d, height: d };
    aimStick = { x: width - m - 12 - d, y: aimY, width: d, height: d };
    floor = Math.min(y, aimY) - m;
    rightFloor = aimY - m;
  }

  // The room badge hangs centred below the top block.
  const badge: Box | null =
    input.badge != null && input.badge.width > 0
      ? { x: (width - input.badge.width) / 2, y: topBottom + m, ...input.badge }
      : null;

  // The controls hint: of the free places (each with its own wrap width; the middle of the
  // screen kept free for the ship if at all possible), the one that leaves the kill feed the
  // most lines, the first tried if several do.
  const fixed: Box[] = [top, chatBox, soundBox, ...[moveStick, aimStick, badge].filter(isBox)];
  const hintOptions = hintPlaces(input.hint, {
    width,
    height,
    m,
    floor,
    rightFloor,
    chat: chatBox,
    ship,
    moveStick: short ? moveStick : null,
    wide: Math.min(width - 2 * m, 900 * s),
    minY: Math.max(topBottom, badge === null ? 0 : bottom(badge)) + m,
    taken: fixed,
  });

  // The kill feed hangs right-aligned below the top block, in the free column with most lines.
  const feedWith = (hint: Box | null): Box =>
    feedArea(
      width,
      height,
      m,
      s,
      topBottom + m,
      [...fixed.slice(1), ship, ...(hint === null ? [] : [hint])],
      ship,
      badge,
    );
  let hintPlace: { box: Box; wrap: number } | null = null;
  let feed = feedWith(null);
  for (const [i, place] of hintOptions.entries()) {
    const withHint = feedWith(place.box);
    if (i === 0 || feedLines(withHint, s) > feedLines(feed, s)) {
      hintPlace = place;
      feed = withHint;
    }
  }

  return {
    score: scoreBox,
    clock: clockBox,
    net: netBox,
    hint: hintPlace?.box ?? null,
    hintWrap: hintPlace?.wrap ?? hintMaxWidth(width, height, sticks),
    moveStick,
    aimStick,
    scoresButton,
    leaveButton,
    badge,
    chat: chatBox,
    sound: soundBox,
    ship,
    respawn,
    feed,
    feedTop: feed.y,
    topBottom,
    stacked: !oneRow,
  };
}

interface HintSpace {
  readonly width: number;
  readonly height: number;
  readonly m: number;
  /** The lowest the hint may end (above the bottom row, or above the sticks). */
  readonly floor: number;
  /** The same right of the chat (above the aim stick). */
  readonly rightFloor: number;
  readonly chat: Box;
  readonly ship: Box;
  /** On a short touch screen, the move stick (the hint first tries the space between the sticks). */
  readonly moveStick: Box | null;
  /** The widest the hint may be. */
  readonly wide: number;
  /** The highest the hint may start. */
  readonly minY: number;
  readonly taken: readonly Box[];
}

/**
 * The places the hint fits, each with the width it wraps to, in order of preference: those
 * clear of the ship if any, else those that are not.
 */
function hintPlaces(hint: HintMeasure | Size | null, space: HintSpace): Array<{ box: Box; wrap: number }> {
  if (hint === null) return [];
  const measure: HintMeasure = typeof hint === "function" ? hint : () => hint;
  const { width, height, m, floor, rightFloor, chat, ship, moveStick, wide } = space;
  const besideChat = width - m - (right(chat) + m);
  const besideShip = width - m - (Math.max(right(chat), right(ship)) + m);
  // Each candidate: the wrap width, and where a hint of that size goes.
  const candidates: Array<[number, (size: Size) => { x: number; y: number }]> = [];
  if (moveStick !== null) {
    // A short touch screen (a phone held sideways): between the two sticks.
    const between = width - 2 * (right(moveStick) + m);
    candidates.push([
      between,
      (h) => ({ x: (width - h.width) / 2, y: moveStick.y + Math.max(0, (moveStick.height - h.height) / 2) }),
    ]);
  }
  const centred = (h: Size): number => (width - h.width) / 2;
  candidates.push(
    // Bottom centre, above the bottom row (or the sticks).
    [wide, (h) => ({ x: centred(h), y: floor - h.height })],
    // Above the chat's corner.
    [wide, (h) => ({ x: centred(h), y: Math.min(floor, chat.y - m) - h.height })],
    // Above the ship.
    [wide, (h) => ({ x: centred(h), y: ship.y - m - h.height })],
    // Beside the chat's corner, wrapped to the room there.
    [besideChat, (h) => ({ x: right(chat) + m + (besideChat - h.width) / 2, y: rightFloor - h.height })],
    // In the bottom-right corner, right of the ship.
    [besideShip, (h) => ({ x: width - m - h.width, y: rightFloor - h.height })],
  );
  const measured = new Map<number, Size>();
  for (const keepShipFree of [true, false]) {
    const taken = keepShipFree ? [...space.taken, ship] : space.taken;
    const fits: Array<{ box: Box; wrap: number }> = [];
    for (const [wrap, place] of candidates) {
      if (wrap < 120) continue;
      let size = measured.get(wrap);
      if (size === undefined) measured.set(wrap, (size = measure(wrap)));
      const at = place(size);
      const box: Box = { x: at.x, y: at.y, width: size.width, height: size.height };
      if (box.y < space.minY || !insideScreen(box, width, height)) continue;
      if (taken.some((t) => boxesOverlap(t, box))) continue;
      fits.push({ box, wrap });
    }
    if (fits.length > 0) return fits;
  }
  return [];
}

/**
 * The kill feed's box: right-aligned, starting at `top` (below whatever hangs there, such as
 * the room badge) and ending above the first panel below; the full width if that leaves room
 * for the feed, else the column right of the ship or the badge, whichever holds more lines.
 */
function feedArea(
  width: number,
  height: number,
  m: number,
  s: number,
  top: number,
  obstacles: readonly Box[],
  ship: Box,
  badge: Box | null,
): Box {
  const rightEdge = width - m;
  const line = FEED_LINE_HEIGHT * s;
  const column = (left: number): Box => {
    const inColumn = obstacles
      .filter((b) => b.x < rightEdge && right(b) > left && bottom(b) > top)
      .sort((a, b) => a.y - b.y);
    let y = top;
    let end = height - m;
    for (const b of inColumn) {
      if (b.y < y + line) y = Math.max(y, bottom(b) + m);
      else {
        end = Math.min(end, b.y - m);
        break;
      }
    }
    return { x: left, y, width: rightEdge - left, height: Math.max(0, end - y) };
  };
  const lines = (b: Box): number => feedLines(b, s);
  const lefts = [Math.max(m, rightEdge - FEED_MAX_WIDTH * s)];
  for (const b of [ship, badge]) {
    if (b !== null && rightEdge - (right(b) + m) >= FEED_MIN_WIDTH * s) lefts.push(right(b) + m);
  }
  let best = column(lefts[0]!);
  for (const left of lefts.slice(1)) {
    const other = column(left);
    if (lines(other) > lines(best)) best = other;
  }
  return best;
}

/** How many kill-feed lines (unwrapped, at most FEED_LINES) fit in `feed` at font scale `s`. */
export function feedLines(feed: Box, s: number): number {
  return Math.max(0, Math.min(FEED_LINES, Math.floor((feed.height + 4 * s) / (FEED_LINE_HEIGHT * s))));
}

function isBox(b: Box | null): b is Box {
  return b !== null;
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

/** How long the controls hint shows after the match screen opens, its last second fading (ms). */
export const HINT_MS = 10_000;
/** The hint's opacity while it lies over your ship: the ship shows through. */
export const HINT_OVER_SHIP_ALPHA = 0.2;

/**
 * The controls hint's opacity `shownMs` after it appeared. The layout keeps the middle of the
 * screen free for your ship, but the camera stops at the map's edges, where your ship is drawn
 * off the middle (often just after a spawn, while the hint shows): the hint, wherever it lies
 * over `ship` (your ship's place on screen, {@link SHIP_CLEARANCE} around it), turns faint.
 */
export function hintOpacity(shownMs: number, hint: Box | null, ship: { x: number; y: number } | null): number {
  const alpha = Math.max(0, Math.min(1, (HINT_MS - shownMs) / 1000));
  if (hint === null || ship === null) return alpha;
  const around: Box = {
    x: ship.x - SHIP_CLEARANCE.width / 2,
    y: ship.y - SHIP_CLEARANCE.height / 2,
    ...SHIP_CLEARANCE,
  };
  return boxesOverlap(hint, around) ? Math.min(alpha, HINT_OVER_SHIP_ALPHA) : alpha;
}

/** Whether `b` lies wholly inside a `width` × `height` screen. */
export function insideScreen(b: Box, width: number, height: number): boolean {
  return b.x >= 0 && b.y >= 0 && b.x + b.width <= width && b.y + b.height <= height;
}
