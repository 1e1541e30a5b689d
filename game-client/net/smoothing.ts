import type { StateValues } from '../../shared/game/state.ts';
import type { ReplicaView } from './replicaPrediction.ts';

/**
 * Time constant of a correction's decay: after a reconciliation moves an entity, what it moved is
 * drawn as an offset that shrinks by e every this long (about 95 % gone in three times this).
 * Short enough that a push shows where the server has the ball within a patch or two; long
 * enough that a correction of a body length reads as a glide, not a jump.
 */
export const CORRECTION_DECAY_MS = 80;
/**
 * A correction larger than this is drawn at once: a teleport (kickoff, respawn, a goal), not a
 * prediction error to hide. Above anything a misprediction of a patch or two can give (the ball
 * is the fastest thing: 900 px/s for about 150 ms).
 */
export const CORRECTION_SNAP_PX = 200;
/** An offset this small is done. */
const SETTLED_PX = 0.01;

interface Point { x: number; y: number }

/** Entities that have a position: numeric `x` and `y` among their values. */
function positionOf(values: StateValues | undefined): Point | undefined {
  if (values === undefined) return undefined;
  const { x, y } = values;
  return typeof x === 'number' && typeof y === 'number' ? { x, y } : undefined;
}

/** Every positioned entity between two steps, at `alpha` (0: `previous`, 1: `current`), by `kind/id`. */
export function positionsAt(previous: ReplicaView, current: ReplicaView, alpha: number): Map<string, Point> {
  const out = new Map<string, Point>();
  for (const [kind, byId] of Object.entries(current.entities)) {
    for (const [id, values] of byId) {
      const to = positionOf(values);
      if (to === undefined) continue;
      const from = positionOf(previous.entities[kind]?.get(id)) ?? to;
      out.set(`${kind}/${id}`, { x: from.x + (to.x - from.x) * alpha, y: from.y + (to.y - from.y) * alpha });
    }
  }
  return out;
}

/**
 * Where a prediction's entities are drawn. Between the prediction's fixed steps, positions are
 * interpolated (input steps are 30 a second, frames more). When a server state replaces the
 * prediction, each entity would jump by the difference: instead the difference becomes an offset
 * that decays (`CORRECTION_DECAY_MS`), so the entity glides onto its corrected path; a difference
 * past `CORRECTION_SNAP_PX` is a teleport and is drawn as one.
 */
export class CorrectionSmoother {
  private readonly offsets = new Map<string, Point>();

  /**
   * The prediction was replaced: `before` and `after` are its positions at the same instant
   * (`positionsAt` with the same alpha). Returns each entity's correction in px, by `kind/id`.
   */
  corrected(before: ReadonlyMap<string, Point>, after: ReadonlyMap<string, Point>): Map<string, number> {
    const sizes = new Map<string, number>();
    for (const key of [...this.offsets.keys()]) if (!after.has(key)) this.offsets.delete(key);
    for (const [key, to] of after) {
      const from = before.get(key);
      if (from === undefined) continue;
      const dx = from.x - to.x;
      const dy = from.y - to.y;
      const size = Math.hypot(dx, dy);
      if (size === 0) continue;
      sizes.set(key, size);
      const held = this.offsets.get(key) ?? { x: 0, y: 0 };
      const offset = { x: held.x + dx, y: held.y + dy };
      if (size > CORRECTION_SNAP_PX || Math.hypot(offset.x, offset.y) > CORRECTION_SNAP_PX) this.offsets.delete(key);
      else this.offsets.set(key, offset);
    }
    return sizes;
  }

  /** Let `dtMs` of decay pass. */
  decay(dtMs: number): void {
    if (dtMs <= 0) return;
    const keep = Math.exp(-dtMs / CORRECTION_DECAY_MS);
    for (const [key, o] of this.offsets) {
      o.x *= keep;
      o.y *= keep;
      if (Math.hypot(o.x, o.y) < SETTLED_PX) this.offsets.delete(key);
    }
  }

  /** The offset still drawn for `kind/id`. */
  offset(key: string): Point {
    return this.offsets.get(key) ?? { x: 0, y: 0 };
  }

  /**
   * The entities of `current` as drawn: every value from `current`, positions between the two
   * steps at `alpha` plus what is left of their corrections.
   */
  draw(previous: ReplicaView, current: ReplicaView, alpha: number): Record<string, Map<string, StateValues>> {
    const at = positionsAt(previous, current, alpha);
    const entities: Record<string, Map<string, StateValues>> = {};
    for (const [kind, byId] of Object.entries(current.entities)) {
      const drawn = new Map<string, StateValues>();
      for (const [id, values] of byId) {
        const key = `${kind}/${id}`;
        const p = at.get(key);
        if (p === undefined) {
          drawn.set(id, values);
          continue;
        }
        const o = this.offset(key);
        drawn.set(id, { ...values, x: p.x + o.x, y: p.y + o.y });
      }
      entities[kind] = drawn;
    }
    return entities;
  }
}
