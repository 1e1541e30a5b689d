import type { SoundName } from '../../audio/voices.ts';
import type { GameEvent } from './frameEvents.ts';

/**
 * The sound an event makes, if any: shots (ours and others'), our hits, our damage, deaths and
 * our own respawn. Others' respawns and shots ending on walls stay silent (the screen shows them).
 */
export function soundFor(e: GameEvent): SoundName | undefined {
  switch (e.kind) {
    case 'shot': return e.own ? 'shot' : 'enemyShot';
    case 'shotEnd': return e.hit && e.own ? 'hitMarker' : undefined;
    case 'hurt': return 'hurt';
    case 'death': return 'death';
    case 'respawn': return e.self ? 'respawn' : undefined;
    case 'damaged': return undefined;
  }
}
