import { matchMaker } from '@colyseus/core';
import type { RoomPlacement } from './config.ts';

/** Colyseus persists each process' room count at most once a second; placements are counted this long. */
const RECENT_PLACEMENT_MS = 2000;

/**
 * Where a new room goes (`policy`, see RoomPlacement in config.ts). `least-loaded`: the process
 * with the fewest rooms, as Colyseus does by default, but counting the rooms this process has
 * just placed that the (once-a-second) room counts do not show yet, and breaking ties at random.
 * Without that, a burst of creates all lands on the one process whose count still reads lowest.
 * `elsewhere` does the same among the other processes.
 */
export function createPlacement(policy: RoomPlacement = 'least-loaded', now: () => number = Date.now, random: () => number = Math.random) {
  const recent: Array<{ processId: string; at: number }> = [];
  return async function selectProcessIdToCreateRoom(): Promise<string> {
    if (policy === 'local') return matchMaker.processId;
    const t = now();
    while (recent.length > 0 && t - recent[0]!.at > RECENT_PLACEMENT_MS) recent.shift();
    const all = await matchMaker.stats.fetchAll();
    const others = all.filter((s) => s.processId !== matchMaker.processId);
    const stats = policy === 'elsewhere' && others.length > 0 ? others : all;
    let best: string | undefined;
    let bestLoad = Infinity;
    let ties = 0;
    for (const s of stats) {
      // Our own count is always current; others' lag by up to a second.
      const pending = s.processId === matchMaker.processId ? 0 : recent.filter((r) => r.processId === s.processId).length;
      const load = s.roomCount + pending;
      if (load < bestLoad) {
        best = s.processId;
        bestLoad = load;
        ties = 1;
      } else if (load === bestLoad && random() * ++ties < 1) {
        best = s.processId;
      }
    }
    const chosen = best ?? matchMaker.processId;
    recent.push({ processId: chosen, at: t });
    return chosen;
  };
}
