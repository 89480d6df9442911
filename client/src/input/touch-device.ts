/**
 * Whether this looks like a touch screen (a phone or tablet): its main pointer is coarse, or it
 * has touch points and no fine pointer at all. A laptop with a touch screen and a mouse counts
 * as a mouse device until it is touched (the game switches on the first touch).
 */
export function isTouchScreen(
  win: Pick<Window, "matchMedia"> & { navigator: Pick<Navigator, "maxTouchPoints"> } = window,
): boolean {
  try {
    if (win.matchMedia("(pointer: coarse)").matches) return true;
    return win.navigator.maxTouchPoints > 0 && !win.matchMedia("(any-pointer: fine)").matches;
  } catch {
    return false;
  }
}
