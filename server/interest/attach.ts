import type { Room } from '@colyseus/core';
import type { GameMap } from '../../shared/maps.ts';
import type { ArenaState } from '../rooms/ArenaState.ts';
import type { StateSync } from '../rooms/stateSync.ts';
import type { InterestOptions } from './config.ts';
import { InterestManager } from './manager.ts';
import './metrics.ts';
import { InterestSerializer } from './serializer.ts';

/**
 * Give a room interest management: its patches go out through the interest serializer, and its
 * state sync reports every change to the manager. Call at the start of `onCreate`, before the
 * state is touched (the serializer takes over the state's change tracking).
 */
export function attachInterest(room: Room<any>, state: ArenaState, sync: StateSync, map: GameMap, options: InterestOptions): InterestManager {
  const manager = new InterestManager(state, map, options);
  const serializer = new InterestSerializer<ArenaState>(manager);
  room.setSerializer(serializer);
  serializer.reset(state);
  sync.listener = manager;
  return manager;
}
