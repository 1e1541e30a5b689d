import { ClientState, type Client } from '@colyseus/core';
import { Reflection, type Decoder } from '@colyseus/schema';
import { BotBrain } from '../../tools/bots/behaviour.ts';
import type { ArenaStateView } from '../../game-client/net/stateTypes.ts';
import { TICK_DT_S } from '../../shared/limits.ts';
import type { PlayerInput } from '../../shared/input.ts';
import type { GameMap } from '../../shared/maps.ts';
import { seedFromString } from '../../shared/rng.ts';
import { stepWorld } from '../../shared/sim/step.ts';
import { addPlayer, createWorld, removePlayer, type World } from '../../shared/sim/world.ts';
import { attachInterest } from '../../server/interest/attach.ts';
import type { InterestOptions } from '../../server/interest/config.ts';
import type { InterestManager } from '../../server/interest/manager.ts';
import type { InterestSerializer } from '../../server/interest/serializer.ts';
import type { PatchSliceLimits } from '../../server/netcode/patchSlices.ts';
import { ArenaState } from '../../server/state/ArenaState.ts';
import { StateSync } from '../../server/rooms/stateSync.ts';

/** One client of the harness: a real schema decoder fed with exactly the frames the serializer sent it. */
export interface HarnessClient {
  id: string;
  kind: 'player' | 'spectator';
  client: Client;
  decoder: Decoder<any>;
  /** The decoded state, as the SDK would hold it. */
  state: ArenaStateView;
  frames: number;
  bytes: number;
  /** Bytes of the last frame it received. */
  lastFrameBytes: number;
}

/**
 * A room's interest management and wire without sockets: the shared simulation with bot inputs,
 * the state sync, the interest manager and serializer, and clients that decode every frame with
 * a real schema decoder (Reflection handshake, TIMED prefix stripped as the SDK does). Tests
 * compare what each client decoded with the server's truth, patch by patch.
 */
export class InterestHarness {
  readonly state = new ArenaState();
  readonly sync = new StateSync(this.state);
  readonly world: World;
  readonly manager: InterestManager;
  readonly serializer: InterestSerializer<ArenaState>;
  readonly clients = new Map<string, HarnessClient>();
  private readonly brains = new Map<string, BotBrain>();
  private readonly inputs = new Map<string, PlayerInput>();
  private seq = 0;
  /** Players the test moves itself (no bot input; it sets their positions or inputs). */
  readonly scripted = new Map<string, Omit<PlayerInput, 'seq'> | undefined>();
  private handshake: Uint8Array;

  /** `slices`: serve each patch in slices, as a large room's cadence does (`patch()` runs them all, a turn each). */
  constructor(readonly map: GameMap, options: InterestOptions, seed = 1, private readonly fire = true, slices?: PatchSliceLimits) {
    // As a Colyseus room: the default serializer binds the state, then interest management replaces it.
    let serializer: InterestSerializer<ArenaState> | undefined;
    const room = { setSerializer: (s: InterestSerializer<ArenaState>) => { serializer = s; } };
    this.manager = attachInterest(room as never, this.state, this.sync, map, options, () => 0, { slices }).manager;
    this.serializer = serializer!;
    this.world = createWorld(map, seedFromString(`harness-${seed}`));
    this.state.mapId = map.id;
    this.handshake = this.serializer.handshake();
  }

  /** A player joins (its body appears on the next step) or a spectator joins; either gets a decoder. */
  join(id: string, kind: 'player' | 'spectator' = 'player', brainSeed = this.clients.size + 1): HarnessClient {
    if (kind === 'player') {
      addPlayer(this.world, id, id);
      this.brains.set(id, new BotBrain('chase', brainSeed));
    }
    this.manager.addViewer(id, kind);
    return this.connect(id, kind);
  }

  /**
   * A client connection with a fresh decoder, given the full state as on a join acknowledgement:
   * a new client, or a reconnection of an existing one (same viewer on the server).
   */
  connect(id: string, kind: 'player' | 'spectator' = this.clients.get(id)?.kind ?? 'player'): HarnessClient {
    const decoder = Reflection.decode(this.handshake);
    const hc: HarnessClient = { id, kind, client: undefined as unknown as Client, decoder, state: decoder.state as unknown as ArenaStateView, frames: 0, bytes: 0, lastFrameBytes: 0 };
    hc.client = {
      sessionId: id,
      state: ClientState.JOINED,
      raw: (data: Uint8Array) => {
        hc.frames++;
        hc.bytes += data.length;
        hc.lastFrameBytes = data.length;
        // [code | TIMED][uint32 server time][uint32 input ack][schema bytes]
        decoder.decode(data, { offset: 9 });
      },
    } as unknown as Client;
    this.clients.set(id, hc);
    // The join acknowledgement: the full state.
    hc.client.raw(this.serializer.getFullState(hc.client, { sNow: 0 }));
    return hc;
  }

  leave(id: string): void {
    const hc = this.clients.get(id);
    if (hc === undefined) return;
    this.clients.delete(id);
    this.manager.removeViewer(id);
    if (hc.kind === 'player') {
      this.brains.delete(id);
      removePlayer(this.world, id);
      this.sync.removePlayer(id);
    }
  }

  /** One fixed step with every bot's input. */
  step(): void {
    this.seq++;
    this.inputs.clear();
    for (const [id, input] of this.scripted) if (input !== undefined) this.inputs.set(id, { seq: this.seq, ...input });
    for (const [id, brain] of this.brains) {
      if (this.scripted.has(id)) continue;
      const s = brain.decide(undefined);
      this.inputs.set(id, { seq: this.seq, ...s, fire: s.fire && this.fire });
    }
    stepWorld(this.world, this.inputs, TICK_DT_S);
    this.sync.apply(this.world);
  }

  /** A patch to every client (all its slices, if sliced; `betweenSlices` runs after each slice but the last). */
  patch(betweenSlices?: () => void): void {
    this.serializer.applyPatches([...this.clients.values()].map((c) => c.client), this.state, { sNow: this.world.tick * 33 });
    const slices = this.serializer.slices;
    for (let turn = 0; slices.inProgress; turn++) {
      if (turn > 10_000) throw new Error('a patch still in progress after 10,000 slices');
      betweenSlices?.();
      slices.continue();
    }
  }

  /** Steps at 30 Hz with patches at 20 Hz (after two of every three steps), `patchCount` patches. */
  run(patchCount: number, afterPatch?: () => void): void {
    for (let p = 0; p < patchCount;) {
      this.step();
      if (this.world.tick % 3 !== 1) {
        this.patch();
        p++;
        afterPatch?.();
      }
    }
  }
}
