/** Bounded polling and sleeping: tools/harness/wait.ts (benchmarks use it too). */
export { sleep, waitFor } from '../../tools/harness/wait.ts';

/** Block this process' event loop for `ms` (a bounded busy wait), as a long GC pause or a slow tick would. */
export function holdEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* stall */ }
}
