import { parseArgs } from 'node:util';
import { DEFAULT_MAX_PLAYERS_PER_ROOM } from '../../shared/limits.ts';
import { createCostRoom, patchesAfterTick, type CostRoom } from './encodeCost.ts';

/*
 * Why a room's step and patch cost several times more in the server than in `measureEncodeCost`:
 * cold caches. Many rooms of 16 are stepped and patched in turn, on one thread and without
 * sockets, (a) back to back, and (b) with `--evict-mb` of memory read between rooms (what a turn
 * of the event loop does between two rooms' timers: other rooms, socket reads, ws, the kernel's
 * network stack), (c) with the eviction only every `--batch` rooms (rooms whose timers fall in
 * the same turn). Prints the mean cost of one room's step and one room's patch in each case.
 *
 *   npx tsx bench/interest/coldRooms.ts [--rooms 32] [--evict-mb 8] [--batch 4] [--seconds 20]
 *                                       [--cases back,between,batch]
 *
 * Results and what they mean: docs/BENCHMARKS.md, "Cold caches".
 */

interface Case { name: string; label: string; evictEvery: number }

const { values } = parseArgs({
  options: {
    rooms: { type: 'string', default: '32' },
    'evict-mb': { type: 'string', default: '8' },
    batch: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '20' },
    cases: { type: 'string', default: 'back,between,batch' },
  },
});
const roomCount = Math.max(1, Number(values.rooms));
const evictMb = Math.max(1, Number(values['evict-mb']));
const batch = Math.max(1, Number(values.batch));
const seconds = Math.max(5, Number(values.seconds));
const WARM_TICKS = 150;
const ticks = Math.round(seconds * 30);

const evictBuffer = new Uint8Array(evictMb * 1024 * 1024);
const CACHE_LINE_BYTES = 64;
/** Touch every cache line of the buffer (reading and writing, so the lines leave the other data's place). */
function evict(): void {
  for (let i = 0; i < evictBuffer.length; i += CACHE_LINE_BYTES) evictBuffer[i]!++;
}

function run(c: Case): { stepUs: number; patchUs: number } {
  const rooms: CostRoom[] = Array.from({ length: roomCount }, (_, r) => createCostRoom({
    players: DEFAULT_MAX_PLAYERS_PER_ROOM, seconds, mode: 'interest', mapId: 'arena', role: 'wander', seed: r + 1,
  }));
  let stepMs = 0;
  let patchMs = 0;
  let steps = 0;
  let patches = 0;
  for (let t = 1; t <= WARM_TICKS + ticks; t++) {
    const measuring = t > WARM_TICKS;
    for (let r = 0; r < rooms.length; r++) {
      if (c.evictEvery > 0 && r % c.evictEvery === 0) evict();
      const t0 = performance.now();
      rooms[r]!.step();
      if (measuring) { stepMs += performance.now() - t0; steps++; }
    }
    if (!patchesAfterTick(t)) continue;
    for (let r = 0; r < rooms.length; r++) {
      if (c.evictEvery > 0 && r % c.evictEvery === 0) evict();
      const t0 = performance.now();
      rooms[r]!.patch(t);
      if (measuring) { patchMs += performance.now() - t0; patches++; }
    }
  }
  return { stepUs: (1000 * stepMs) / steps, patchUs: (1000 * patchMs) / patches };
}

const ALL_CASES: Case[] = [
  { name: 'back', label: 'back to back', evictEvery: 0 },
  { name: 'between', label: `${evictMb} MB read between rooms`, evictEvery: 1 },
  { name: 'batch', label: `${evictMb} MB read every ${batch} rooms`, evictEvery: batch },
];
const wanted = new Set(values.cases.split(','));
const cases = ALL_CASES.filter((c) => wanted.has(c.name));
if (cases.length === 0) throw new Error(`--cases: none of ${values.cases} is one of ${ALL_CASES.map((c) => c.name).join(', ')}`);
process.stdout.write(`${roomCount} rooms of ${DEFAULT_MAX_PLAYERS_PER_ROOM} (arena map, wandering bots), ${seconds} s after ${WARM_TICKS / 30} s; per room, mean µs (the bots' decisions are in the step)\n\n`);
process.stdout.write('| Case | Step (µs) | Patch (µs) |\n| --- | ---: | ---: |\n');
for (const c of cases) {
  const r = run(c);
  process.stdout.write(`| ${c.label} | ${r.stepUs.toFixed(1)} | ${r.patchUs.toFixed(1)} |\n`);
}
