import { parseArgs } from 'node:util';
import { ClientState, SchemaSerializer, type Client } from '@colyseus/core';
import type { Schema } from '@colyseus/schema';
import { spatialKindsOf } from '../../shared/game/interest.ts';
import type { ReplicatedLayout } from '../../shared/game/state.ts';
import { ReplicaViews } from '../../server/interest/replicaViews.ts';
import { applyReplica, replicatedSchemaOf } from '../../server/state/replicatedState.ts';
import { GATHER_FIELD, GATHER_GAME, type GatherWorld } from '../../tools/harness/gatherGame.ts';

/**
 * `npx tsx bench/interest/replicaCost.ts [--players 16,50,100] [--seconds 20] [--rounds 2]`: the
 * generic room's patch for a game with spatial interest (server/interest/replicaViews.ts), in one
 * process without sockets: the test game of tools/harness/gatherGame.ts with N players walking a
 * 6,000 × 4,000 px field in random straight lines, 30 Hz steps, 20 Hz patches; each patch is what
 * GameRoom.broadcastPatch does (the replica into the state, the views brought to each area,
 * Colyseus' encode per view), with clients that count bytes and drop them. Side by side, the same
 * game with nothing per client (every field to everyone: Colyseus' single shared patch). Prints
 * patch time (mean, p99), the views' own share, and bytes per client per patch.
 */

const { values } = parseArgs({ options: { players: { type: 'string' }, seconds: { type: 'string' }, rounds: { type: 'string' } } });
const sizes = (values.players ?? '16,50,100').split(',').map(Number);
const seconds = Number(values.seconds ?? 20);
const rounds = Number(values.rounds ?? 2);
if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 1000) || !(seconds > 0 && seconds <= 600) || !(Number.isInteger(rounds) && rounds >= 1 && rounds <= 10)) {
  throw new Error('--players N,N (1–1000) --seconds S (≤ 600) --rounds R (1–10)');
}

const game = GATHER_GAME;
const TICK_HZ = 30;
/** Every third tick pair: 20 patches a second at 30 ticks (ticks 0 and 1 of every 3, alternately). */
const PATCH_EVERY_TICKS = 1.5;
/** The same layout with nothing per client: every field to everyone. */
const WHOLE: ReplicatedLayout = {
  match: game.replicated!.match,
  entities: { players: { name: 'string', gems: 'uint16', x: 'float32', y: 'float32' }, gems: game.replicated!.entities.gems! },
};

interface Result { meanMs: number; p99Ms: number; viewsMs: number; bytesPerClientPatch: number }

function run(players: number, interest: boolean): Result {
  const shape = replicatedSchemaOf(interest ? game.replicated! : WHOLE, interest ? 'gather' : 'gatherWhole');
  const state = new shape.State() as Schema;
  const serializer = new SchemaSerializer<Schema>();
  serializer.reset(state);
  const views = interest ? new ReplicaViews(state, spatialKindsOf(game.replicated!), GATHER_FIELD, game.interest!) : undefined;
  const world: GatherWorld = game.createWorld(GATHER_FIELD, 1);
  const sink = { bytes: 0 };
  const clients: Client[] = [];
  for (let i = 0; i < players; i++) {
    const id = `p${i}`;
    game.addPlayer(world, id, id);
    // Spread over the field (deterministic), not stacked on the two spawn points.
    Object.assign(world.players.get(id)!, { x: (i * 977) % GATHER_FIELD.widthPx, y: (i * 613) % GATHER_FIELD.heightPx });
    const client = { sessionId: id, state: ClientState.JOINED, raw(data: Uint8Array) { sink.bytes += data.length; } } as unknown as Client;
    views?.addViewer(client as never, true);
    clients.push(client);
  }
  applyReplica(shape, state, game.replicate!(world));
  views?.update();
  for (const c of clients) serializer.getFullState(c);
  sink.bytes = 0;
  let seed = 7;
  const dir = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 3) - 1;
  const inputs = new Map<string, { seq: number; moveX: number; moveY: number }>();
  const times: number[] = [];
  let viewsMs = 0;
  let nextPatch = 0;
  for (let tick = 0; tick < seconds * TICK_HZ; tick++) {
    if (tick % 45 === 0) for (const id of world.players.keys()) inputs.set(id, { seq: tick, moveX: dir(), moveY: dir() });
    game.step(world, inputs, 1 / TICK_HZ);
    if (tick < nextPatch) continue;
    nextPatch += PATCH_EVERY_TICKS;
    const t0 = performance.now();
    applyReplica(shape, state, game.replicate!(world));
    const t1 = performance.now();
    views?.update();
    viewsMs += performance.now() - t1;
    serializer.applyPatches(clients, undefined as never);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    meanMs: times.reduce((a, b) => a + b, 0) / times.length,
    p99Ms: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]!,
    viewsMs: viewsMs / times.length,
    bytesPerClientPatch: sink.bytes / times.length / players,
  };
}

process.stdout.write(`Generic interest (gather test game), in-process: ${sizes.join(', ')} players, ${seconds} simulated s, ${rounds} round(s), ${TICK_HZ} Hz steps, 20 Hz patches\n`);
process.stdout.write('| round | players | layout | patch mean / p99 (ms) | views.update (ms) | B / client / patch |\n| ---: | ---: | --- | --- | ---: | ---: |\n');
for (let r = 1; r <= rounds; r++) {
  for (const n of sizes) {
    for (const interest of [true, false]) {
      const x = run(n, interest);
      process.stdout.write(`| ${r} | ${n} | ${interest ? 'interest' : 'whole state'} | ${x.meanMs.toFixed(3)} / ${x.p99Ms.toFixed(3)} | ${interest ? x.viewsMs.toFixed(3) : '—'} | ${x.bytesPerClientPatch.toFixed(0)} |\n`);
    }
  }
}
