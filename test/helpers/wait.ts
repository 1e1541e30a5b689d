/** Bounded polling and sleeping: tools/harness/wait.ts (benchmarks use it too). */
export { sleep, waitFor } from '../../tools/harness/wait.ts';
