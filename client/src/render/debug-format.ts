/**
 * The debug overlay's text (F3): pure, so its wording is tested without Phaser.
 */
import type { DebugInfo } from "../net/types.ts";

/** Lines of the overlay, given the netcode's figures and the frame rate. */
export function debugLines(info: DebugInfo, fps: number): string[] {
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KB/s`;
  return [
    `FPS ${fps.toFixed(0)}   RTT ${info.rttMs === null ? "–" : `${Math.round(info.rttMs)} ms`}`,
    `server tick ${info.serverTick}`,
    `input acked ${info.lastAckedInput}   in flight ${info.pendingInputs}`,
    `correction ${info.lastCorrectionPx.toFixed(2)} px   total ${info.totalCorrectionPx.toFixed(1)} px`,
    `interpolation ${info.interpolationDelayMs} ms   buffered ${info.bufferedPatches} patches`,
    `down ${kb(info.downBytesPerSec)}   up ${kb(info.upBytesPerSec)}`,
  ];
}
