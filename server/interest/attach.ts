import type { Client, Room } from '@colyseus/core';
import type { GameMap } from '../../shared/maps.ts';
import type { PatchSliceLimits, SlicedPatch } from '../netcode/patchSlices.ts';
import type { ArenaState } from '../state/ArenaState.ts';
import type { SyncListener } from '../state/changes.ts';
import type { InterestOptions } from './config.ts';
import { InterestManager } from './manager.ts';
import './metrics.ts';
import { InterestSerializer } from './serializer.ts';

/** How the room's patches are served to its clients (defaults: nothing after each frame, every client in one go). */
export interface PatchServing {
  /** Sent right after each client's patch frame, in the same socket write (the netcode report, events that follow the patch). */
  afterFrame?: (client: Client) => void;
  /** Slices of a large room's patch (server/netcode/patchSlices.ts). */
  slices?: PatchSliceLimits;
}

/**
 * Give a room interest management: its patches go out through the interest serializer, and its
 * state sync reports every change to the manager. Call at the start of `onCreate`, before the
 * state is touched (the serializer takes over the state's change tracking). `inputAck` is what each
 * client's patches acknowledge (its inputs consumed so far). Returns the manager and the patch's
 * slices, which the room's cadence drives.
 */
export function attachInterest(room: Room<any>, state: ArenaState, sync: { listener: SyncListener | undefined; trackBodyFields: boolean }, map: GameMap, options: InterestOptions, inputAck: (sessionId: string) => number, serving: PatchServing = {}): { manager: InterestManager; patches: SlicedPatch } {
  const manager = new InterestManager(state, map, options);
  const serializer = new InterestSerializer<ArenaState>(manager, inputAck, options.enabled ? options.reservedBytesPerPatch : 0, serving.afterFrame, serving.slices);
  room.setSerializer(serializer);
  serializer.reset(state);
  sync.listener = manager;
  // The manager writes each view's body entries itself (server/interest/viewEntries.ts).
  sync.trackBodyFields = false;
  return { manager, patches: serializer.slices };
}
