import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

/*
 * A native profile of the server's main thread over one benchmark window (`npm run bench --
 * --perf DIR`), with Linux `perf` (Debian's linux-perf; root or a low perf_event_paranoid).
 *
 * Why beside the V8 profile (`--profile`): V8's profiler sees JavaScript and names native work
 * only by the JavaScript that called it. It cannot tell the kernel's share of a socket write from
 * the time the thread spent waiting to run again (the server is pinned to one core with its own
 * helper threads), and it does not show V8's own builtins (hash-map lookups, inline-cache misses,
 * write barriers) at all. `perf` samples the thread wherever it is: kernel, node's C++, V8's
 * builtins, and the JIT's code, named through `--perf-basic-prof` (the server is started with it).
 *
 * Writes `<label>.perf.data` (for `perf report -i`) and `<label>.perf.txt`: the samples by where the
 * code lives (kernel, the node binary, JIT code, libc) and the top symbols by self time.
 */

/** Sampling rate (Hz): an odd one, so it does not beat with the 30 Hz steps and 20 Hz patches. */
const PERF_FREQUENCY_HZ = 999;
const TOP_SYMBOLS = 40;

/** Node flags the profiled server needs (JIT code named in /tmp/perf-<pid>.map). */
export const PERF_NODE_ARGS = ['--perf-basic-prof'];

/** Whether `perf record` works here (installed, and allowed to sample). */
export function perfAvailable(): boolean {
  const r = spawnSync('perf', ['record', '-e', 'cpu-clock', '-o', '/dev/null', '--', 'true'], { stdio: 'ignore', timeout: 10_000 });
  return r.status === 0;
}

/** Record thread `tid` (a process' main thread has its pid) for `windowMs` into `<file>.perf.data`, then summarise into `<file>.perf.txt`. */
export async function recordPerfWindow(tid: number, file: string, windowMs: number): Promise<void> {
  const data = `${file}.perf.data`;
  const perf = spawn('perf', ['record', '-q', '-e', 'cpu-clock', '-F', String(PERF_FREQUENCY_HZ), '-t', String(tid), '-o', data, '--', 'sleep', String(windowMs / 1000)], { stdio: 'ignore' });
  const code = await new Promise<number | null>((resolve) => { perf.once('exit', resolve); perf.once('error', () => resolve(null)); });
  if (code !== 0) {
    process.stderr.write(`bench: perf record exited with ${code}; no native profile for ${file}\n`);
    return;
  }
  const report = (sort: string) => spawnSync('perf', ['report', '-i', data, '--stdio', '--sort', sort], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }).stdout ?? '';
  const rows = (text: string, limit: number) => text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')).slice(0, limit).map((l) => l.replace(/\s+$/, '').slice(0, 160));
  const byDso = report('dso');
  const samples = /# Samples: (\S+)/.exec(byDso)?.[1] ?? '?';
  writeFileSync(`${file}.perf.txt`, [
    `perf: thread ${tid}, ${windowMs / 1000} s at ${PERF_FREQUENCY_HZ} Hz (cpu-clock), ${samples} samples (busy time; idle is not sampled)`,
    '',
    'By where the code lives ([JIT] is JavaScript compiled by V8; node is V8 itself, its builtins and node\'s C++):',
    ...rows(byDso, 8),
    '',
    `Top ${TOP_SYMBOLS} by self time:`,
    ...rows(report('dso,sym'), TOP_SYMBOLS),
    '',
  ].join('\n'));
}
