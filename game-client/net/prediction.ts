import { Predict, type InputHandle, type Reconciler, type Room } from '@colyseus/sdk';
import { TICK_DT_S } from '../../shared/limits.ts';
import { FIRE_COOLDOWN_TICKS, PLAYER_MAX_SPEED_PX_PER_S } from '../../shared/tuning.ts';
import type { GameMap } from '../../shared/maps.ts';
import { stepMovement } from '../../shared/sim/movement.ts';
import { muzzleBlocked, projectileEndTick, shotFrom } from '../../shared/sim/step.ts';
import type { ShotPath } from './snapshots.ts';
import { inArea } from './interest.ts';
import type { ArenaStateView, PlayerStateView } from './stateTypes.ts';

/** A correction the reconciler applied to our own player. */
export interface Correction {
  atMs: number;
  /** Distance between the prediction and the corrected prediction, px. */
  sizePx: number;
  /** Past the snap threshold: drawn as a jump (a respawn), not eased. */
  snapped: boolean;
  /** Input the server acknowledged with it. */
  ackedSeq: number;
}

/** A shot we fired and drew at once, until the server's copy takes over. */
export interface PredictedShot extends ShotPath {
  seq: number;
}

/** What the reconciler predicts: the fields the shared movement step reads and writes. */
interface MoverState {
  x: number;
  y: number;
  vx: number;
  vy: number;
  alive: boolean;
}

/**
 * Larger than any error movement can make (max speed over a few patch intervals) and smaller
 * than a respawn teleport.
 */
export const SNAP_CORRECTION_PX = PLAYER_MAX_SPEED_PX_PER_S * 0.25;

/**
 * Own-player prediction through Colyseus 0.18's reconciler: every input we send is stepped at
 * once with the shared `stepMovement` (the server's own code, same fixed dt), and each
 * acknowledgement rewinds to the server's numbers and replays the unacknowledged inputs. A
 * player moves only by its own inputs and positions are exact in float32, so when nothing else
 * touched us the replay lands exactly where the prediction was (the reconciler's wire-precision
 * check then skips the adopt entirely): zero correction. Deaths and respawns do change our
 * path; those corrections ease out over `smoothMs`, or jump past `SNAP_CORRECTION_PX`.
 *
 * Also predicts our own shots (same cooldown, same muzzle, same spawn point), so a shot leaves
 * the gun when the trigger is pulled rather than a round trip later.
 */
export class OwnPrediction {
  readonly predict: Predict<ArenaStateView>;
  private me: Reconciler<any, any> | undefined;
  private instance: PlayerStateView | undefined;
  private lastShotSeq = -Infinity;
  readonly shots: PredictedShot[] = [];
  readonly corrections: Correction[] = [];
  correctionsTotal = 0;

  constructor(
    private readonly room: Room<any, ArenaStateView>,
    private readonly input: InputHandle<any>,
    private map: GameMap,
    private readonly sessionId: string,
    private readonly onCorrection?: (c: Correction) => void,
  ) {
    this.predict = Predict.get(room as any, { name: 'arena' }) as Predict<ArenaStateView>;
  }

  setMap(map: GameMap): void {
    this.map = map;
  }

  /** Whether our player exists in the state yet (the reconciler starts then). */
  get ready(): boolean {
    return this.me !== undefined;
  }

  /** Reconcile against the newest acknowledgement and ease corrections. Call first each frame. */
  tick(nowMs: number): void {
    this.ensureReconciler();
    const me = this.me;
    if (me === undefined) {
      this.predict.tick(nowMs);
      return;
    }
    const before = me.state as MoverState;
    const bx = before.x;
    const by = before.y;
    const seq = me.reconcileSeq;
    this.predict.tick(nowMs);
    if (me.reconcileSeq === seq) return;
    const acked = this.input.lastProcessed;
    for (let i = this.shots.length - 1; i >= 0; i--) if (this.shots[i]!.seq <= acked) this.shots.splice(i, 1);
    const after = me.state as MoverState;
    const size = Math.hypot(after.x - bx, after.y - by);
    if (size === 0) return;
    const c: Correction = { atMs: nowMs, sizePx: size, snapped: size > SNAP_CORRECTION_PX, ackedSeq: acked };
    this.correctionsTotal++;
    this.corrections.push(c);
    if (this.corrections.length > 256) this.corrections.splice(0, this.corrections.length - 256);
    this.onCorrection?.(c);
  }

  /** After an input was sent (and stepped): predict its shot, if it fires one. */
  afterSend(seq: number, fire: boolean, aim: number, viewTick: number): void {
    const me = this.me;
    if (me === undefined || !fire) return;
    const s = me.state as MoverState;
    if (!s.alive || seq - this.lastShotSeq < FIRE_COOLDOWN_TICKS) return;
    this.lastShotSeq = seq;
    const shot = shotFrom(s.x, s.y, aim);
    if (muzzleBlocked(this.map, s.x, s.y, shot.x0, shot.y0)) return;
    this.shots.push({ seq, ...shot, spawnTick: viewTick, endTick: projectileEndTick(this.map, shot.x0, shot.y0, shot.vx, shot.vy, viewTick, TICK_DT_S) });
    if (this.shots.length > 64) this.shots.shift();
  }

  /** Drawn position of our player (interpolated between steps, corrections easing out). */
  position(): { x: number; y: number } | undefined {
    if (this.me === undefined || this.instance === undefined) return undefined;
    const x = this.predict.value(this.instance as any, 'x' as never) as number;
    const y = this.predict.value(this.instance as any, 'y' as never) as number;
    // Before its first step the predictor has no value yet: then the server's is the one to draw.
    return Number.isFinite(x) && Number.isFinite(y) ? { x, y } : undefined;
  }

  dispose(): void {
    this.predict.dispose();
  }

  private ensureReconciler(): void {
    if (this.me !== undefined) return;
    const instance = this.room.state?.players?.get(this.sessionId);
    // The roster entry can arrive before our body (interest management sends bodies separately).
    if (instance === undefined || !inArea(instance)) return;
    this.instance = instance;
    this.me = this.predict.reconciler(instance as any, {
      input: this.input,
      fields: ['x', 'y', 'vx', 'vy', 'alive'],
      snap: SNAP_CORRECTION_PX,
      step: (ctx: { dt: number }, state: MoverState, cmd: { moveX: number; moveY: number }) => {
        // The server: a dead player's input turns its aim but moves nothing.
        if (!state.alive) return;
        stepMovement(state, Math.sign(cmd.moveX), Math.sign(cmd.moveY), ctx.dt, this.map);
      },
    } as any) as Reconciler<any, any>;
  }
}
