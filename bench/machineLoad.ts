import { readFileSync } from 'node:fs';

/**
 * How busy the whole machine was, from /proc/stat (Linux): busy CPU time summed over every core,
 * ms. A benchmark window subtracts its own processes' CPU from the change over the window to see
 * what everything else on the machine took (other work skews a run on a shared 2-core machine).
 */
export function machineBusyMs(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    // USER_HZ is 100 on Linux: one tick is 10 ms.
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * 10;
  } catch {
    return undefined;
  }
}
