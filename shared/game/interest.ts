import { fieldType, isViewField, type ReplicatedLayout } from './state.ts';

/**
 * Spatial interest for a game served by the generic room (server/rooms/GameRoom.ts): each client
 * receives the entities of the layout's spatial kinds only while they are inside its area, a
 * rectangle around its own player's entity (a spectator's: the player it follows, or the point it
 * roams to). A spatial kind is one the layout sends per client (`perClient`: whole entries come and
 * go) or one with `view` fields (the entry stays, those fields come and go); its entities place
 * themselves by their `x` and `y` fields. The arena's room has its own, budgeted interest layer
 * (server/interest/manager.ts); this one is for any game, at schema's own per-view cost.
 */
export interface GameInterest {
  /** Half the width and the height of a client's area, px (half its screen plus a margin). */
  readonly halfWidthPx: number;
  readonly halfHeightPx: number;
  /** How much farther than its area a client keeps an entity: one on the edge does not blink in and out, px. */
  readonly hysteresisPx: number;
}

/** The entity kinds that interest management filters per client (see GameInterest). */
export function spatialKindsOf(layout: ReplicatedLayout): string[] {
  return Object.entries(layout.entities)
    .filter(([kind, fields]) => layout.perClient?.includes(kind) === true || Object.values(fields).some(isViewField))
    .map(([kind]) => kind);
}

/** Checks a game's interest against its layout where the game is declared; throws with the reason. */
export function checkInterest(gameId: string, interest: GameInterest, layout: ReplicatedLayout | undefined): void {
  const fail = (why: string): never => { throw new Error(`game ${gameId}: interest: ${why}`); };
  if (layout === undefined) fail('needs a replicated layout');
  const kinds = spatialKindsOf(layout!);
  if (kinds.length === 0) fail('no entity kind is per client or has view fields: nothing to filter');
  for (const kind of kinds) {
    for (const axis of ['x', 'y']) {
      const decl = layout!.entities[kind]![axis];
      const type = decl === undefined ? undefined : fieldType(decl);
      if (type === undefined || type === 'string' || type === 'boolean') fail(`kind ${kind} needs a numeric ${axis} field to be placed`);
    }
  }
  for (const [name, v] of Object.entries(interest)) if (!(Number.isFinite(v) && v >= 0)) fail(`${name} must be a non-negative number`);
  if (interest.halfWidthPx <= 0 || interest.halfHeightPx <= 0) fail('the area must not be empty');
}
