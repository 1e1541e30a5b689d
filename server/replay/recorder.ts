import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { GameDefinition } from '../../shared/game/definition.ts';
import { TICK_HZ } from '../../shared/limits.ts';
import type { GameMap } from '../../shared/maps.ts';
import { inputToTuple, REPLAY_VERSION, replayFieldsOf, type InputTuple, type ReplayLine } from '../../shared/replay/format.ts';
import { log } from '../observability/log.ts';

/**
 * Writes one room's replay (shared/replay/format.ts) as it runs, for any game definition:
 * header, joins and leaves, the inputs of every step, a checksum every `checksumEvery` ticks and
 * the final hash. Lines go through a file stream (buffered, asynchronous): recording costs the
 * tick a JSON.stringify and a buffered write.
 */
export class ReplayRecorder<W, I> {
  private readonly out: WriteStream;
  private readonly index = new Map<string, number>();
  private readonly fields: readonly string[];
  private nextIndex = 0;
  private ended = false;
  readonly file: string;

  /** `seed`: what the room gave `game.createWorld` with `map`; `world`: that world, before its first step. */
  constructor(dir: string, roomId: string, private readonly game: GameDefinition<W, I>, world: W, map: GameMap, seed: number, private readonly checksumEvery: number) {
    if (game.tick(world) !== 0) throw new Error('a replay must start with the room (tick 0)');
    mkdirSync(dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    this.file = path.join(dir, `${roomId}-${stamp}.replay.ndjson`);
    this.fields = replayFieldsOf(game);
    this.out = createWriteStream(this.file, { flags: 'wx' });
    this.out.on('error', (err) => log.error({ err, file: this.file }, 'replay write failed'));
    this.write(['h', {
      v: REPLAY_VERSION, game: game.id, roomId, mapId: map.id, seed, tickHz: TICK_HZ,
      checksumEvery, startedAt: new Date().toISOString(),
    }]);
  }

  join(world: W, id: string, name: string): void {
    this.index.set(id, this.nextIndex++);
    this.write(['j', this.game.tick(world), id, name]);
  }

  leave(world: W, id: string): void {
    this.write(['l', this.game.tick(world), id]);
  }

  /** After a step: the inputs it applied, and a checksum when one is due. */
  step(world: W, inputs: ReadonlyMap<string, I>): void {
    const tick = this.game.tick(world);
    if (inputs.size > 0) {
      const tuples: InputTuple[] = [];
      for (const [id, input] of inputs) {
        const player = this.index.get(id);
        if (player !== undefined) tuples.push(inputToTuple(player, input as object, this.fields));
      }
      this.write(['s', tick, tuples]);
    }
    if (tick % this.checksumEvery === 0) this.write(['c', tick, this.game.hash(world)]);
  }

  end(world: W): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.ended = true;
    this.write(['e', this.game.tick(world), this.game.hash(world)]);
    return new Promise((resolve) => this.out.end(resolve));
  }

  private write(line: ReplayLine): void {
    if (!this.ended || line[0] === 'e') this.out.write(`${JSON.stringify(line)}\n`);
  }
}
