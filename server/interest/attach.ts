import type { Room } from '@colyseus/core';
import type { GameMap } from '../../shared/maps.ts';
import type { ArenaState } from '../state/ArenaState.ts';
import type { SyncListener } from '../state/changes.ts';
import type { InterestOptions } from './config.ts';
import { InterestManager } from './manager.ts';
import './metrics.ts';
import { InterestSerializer } from './serializer.ts';

/**
 * Give a room interest management: its patches go out through the interest serializer, and its
 * state sync reports every change to the manager. Call at the start of `onCreate`, before the
 * state is touched (the serializer takes over the state's change tracking). `inputAck` is what each
 * client's patches acknowledge (its inputs consumed so far).
 */
export function attachInterest(room: Room<any>, state: ArenaState, sync: { listener: SyncListener | undefined; trackBodyFields: boolean }, map: GameMap, options: InterestOptions, inputAck: (sessionId: string) => number): InterestManager {
  const manager = new InterestManager(state, map, options);
  const serializer = new InterestSerializer<ArenaState>(manager, inputAck, options.enabled ? options.reservedBytesPerPatch : 0);
  room.setSerializer(serializer);
  serializer.reset(state);
  sync.listener = manager;
  // The manager writes each view's body entries itself (server/interest/viewEntries.ts).
  sync.trackBodyFields = false;
  return manager;
}
