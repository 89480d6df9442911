/**
 * Prediction of your own ship: every input moves it on the frame it is sent, through the same
 * `moveShip` the server's step calls; when the server acknowledges input N, the SDK's
 * reconciler rewinds to the server's position after N and replays the inputs not yet
 * acknowledged. Movement depends only on the inputs, the step sizes and the walls, so with no
 * input lost the server's position at N equals the prediction at N bit for bit, and the
 * correction is exactly zero. A real misprediction (a respawn, the results phase, an input the
 * server dropped) is corrected smoothly, or popped when it is a teleport.
 *
 * Built on `@colyseus/sdk/predict`'s Reconciler rather than by hand: it owns the replay buffer,
 * the ack, smoothing and the reset on reconnection.
 */
import type { Predict } from "@colyseus/sdk/predict";
import { TELEPORT_PX } from "../../../shared/constants.ts";
import type { ArenaMap } from "../../../shared/map.ts";
import type { PlayerState } from "../../../shared/schema.ts";
import { moveShip } from "../../../shared/sim/movement.ts";
import type { WorldConfig } from "../../../shared/sim/world.ts";

/** How prediction has fared: what the debug overlay and the netcode tests read. */
export interface PredictionStats {
  /** Acknowledgements reconciled. */
  reconciles: number;
  /** Acknowledgements at which the prediction differed from the server's position. */
  mismatches: number;
  /** Distance between prediction and server at the last acknowledgement, px. */
  lastCorrectionPx: number;
  /** Sum of those distances over the session, px. */
  totalCorrectionPx: number;
  /** Last input the server acknowledged. */
  lastAcked: number;
  /** Inputs sent and not yet acknowledged. */
  pending: number;
}

/** What a step of the prediction reads besides the input. */
export interface OwnShipWorld {
  readonly config: Pick<WorldConfig, "shipStepUnits" | "shipDiagonalStepUnits">;
  readonly map: Pick<ArenaMap, "width" | "height" | "walls">;
  /** True while the match is being played (inputs move ships only then). */
  readonly playing: () => boolean;
}

/** The move fields of one input, as the reconciler hands them back per sequence number. */
interface MoveCommand {
  readonly moveX: number;
  readonly moveY: number;
}

/** The predicted copy the reconciler keeps of the ship. */
interface PredictedShip {
  x: number;
  y: number;
  alive: boolean;
}

type Reconciler = ReturnType<Predict["reconciler"]>;
type InputHandle = Parameters<Predict["reconciler"]>[1]["input"];

/** Predicts and reconciles one ship: yours. */
export class OwnShipPrediction {
  private readonly stats: PredictionStats = {
    reconciles: 0,
    mismatches: 0,
    lastCorrectionPx: 0,
    totalCorrectionPx: 0,
    lastAcked: 0,
    pending: 0,
  };
  private readonly reconciler: Reconciler;
  /** Predicted position after each live step, by input sequence, until acknowledged. */
  private readonly predictedAt = new Map<number, { x: number; y: number }>();

  constructor(
    predict: Predict,
    private readonly input: InputHandle,
    /** The ship's schema instance (the server's truth, as decoded). */
    readonly ship: PlayerState,
    world: OwnShipWorld,
  ) {
    this.reconciler = predict.reconciler(ship as unknown as PredictedShip, {
      input,
      fields: ["x", "y", "alive"],
      snap: TELEPORT_PX,
      step: (ctx, state, command) => {
        const move = command as unknown as MoveCommand;
        if (state.alive && world.playing()) moveShip(state, move.moveX, move.moveY, world.config, world.map);
        if (!ctx.isReplay) this.predictedAt.set(ctx.tick, { x: state.x, y: state.y });
      },
      onReconcile: (acked) => this.compare(acked),
    });
  }

  /** The figures now (acknowledgement and pending count read live from the input handle). */
  currentStats(): PredictionStats {
    return { ...this.stats, lastAcked: this.input.lastProcessed, pending: this.reconciler.pendingCount };
  }

  /** Stops predicting (the ship left, or the session ended). */
  dispose(): void {
    this.reconciler.dispose();
    this.predictedAt.clear();
  }

  /** At each acknowledgement: how far the prediction at that input was from the server. */
  private compare(acked: number): void {
    const predicted = this.predictedAt.get(acked);
    for (const seq of this.predictedAt.keys()) if (seq <= acked) this.predictedAt.delete(seq);
    if (predicted === undefined) return;
    this.stats.reconciles += 1;
    const error = Math.hypot(predicted.x - this.ship.x, predicted.y - this.ship.y);
    this.stats.lastCorrectionPx = error;
    this.stats.totalCorrectionPx += error;
    if (error > 0) this.stats.mismatches += 1;
  }
}
