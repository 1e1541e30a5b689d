import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { TICK_HZ } from '../../shared/limits.ts';
import type { PlayerInput } from '../../shared/input.ts';
import { REPLAY_VERSION, type InputTuple, type ReplayLine } from '../../shared/replay/format.ts';
import { hashWorld } from '../../shared/sim/hash.ts';
import type { World } from '../../shared/sim/world.ts';
import { log } from '../observability/log.ts';

/**
 * Writes one room's replay (shared/replay/format.ts) as it runs: header, joins and leaves,
 * the inputs of every step, a checksum every `checksumEvery` ticks and the final hash.
 * Lines go through a file stream (buffered, asynchronous): recording costs the tick a
 * JSON.stringify and a buffered write.
 */
export class ReplayRecorder {
  private readonly out: WriteStream;
  private readonly index = new Map<string, number>();
  private nextIndex = 0;
  private ended = false;
  readonly file: string;

  constructor(dir: string, roomId: string, world: World, private readonly checksumEvery: number) {
    mkdirSync(dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    this.file = path.join(dir, `${roomId}-${stamp}.replay.ndjson`);
    this.out = createWriteStream(this.file, { flags: 'wx' });
    this.out.on('error', (err) => log.error({ err, file: this.file }, 'replay write failed'));
    this.write(['h', {
      v: REPLAY_VERSION, roomId, mapId: world.map.id, seed: world.rng, tickHz: TICK_HZ,
      checksumEvery, startedAt: new Date().toISOString(),
    }]);
    if (world.tick !== 0) throw new Error('a replay must start with the room (tick 0)');
  }

  join(world: World, id: string, name: string): void {
    this.index.set(id, this.nextIndex++);
    this.write(['j', world.tick, id, name]);
  }

  leave(world: World, id: string): void {
    this.write(['l', world.tick, id]);
  }

  /** After a step: the inputs it applied, and a checksum when one is due. */
  step(world: World, inputs: ReadonlyMap<string, PlayerInput>): void {
    if (inputs.size > 0) {
      const tuples: InputTuple[] = [];
      for (const [id, i] of inputs) {
        const player = this.index.get(id);
        if (player !== undefined) tuples.push([player, i.seq, i.moveX, i.moveY, i.aim, i.fire ? 1 : 0, i.rewind ?? 0]);
      }
      this.write(['s', world.tick, tuples]);
    }
    if (world.tick % this.checksumEvery === 0) this.write(['c', world.tick, hashWorld(world)]);
  }

  end(world: World): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.ended = true;
    this.write(['e', world.tick, hashWorld(world)]);
    return new Promise((resolve) => this.out.end(resolve));
  }

  private write(line: ReplayLine): void {
    if (!this.ended || line[0] === 'e') this.out.write(`${JSON.stringify(line)}\n`);
  }
}
