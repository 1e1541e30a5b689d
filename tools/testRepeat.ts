/**
 * `npm run test:repeat -- N [--hog] [--ref REF] [--keep]`: clone this repository (REF, default
 * HEAD: committed work only) into a temporary folder, `npm ci` there once, then run the README's
 * test command N times in a row and print, per test file, how many runs passed and failed, its
 * median time, and every failure's first line. `--hog` keeps one core busy with a pinned
 * busy-loop during the runs (taskset), as a newcomer's machine is never idle.
 *
 * Exit code 0 only when every run was green.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { FileOutcome } from './fileReporter.ts';

const MAX_RUNS = 100;
/** One full run takes about 2.5 minutes here; a run that takes this long is stuck. */
const RUN_TIMEOUT_MS = 15 * 60_000;
const INSTALL_TIMEOUT_MS = 10 * 60_000;

interface FileResult {
  passes: number;
  failures: number;
  durationsMs: number[];
  errors: string[];
  /** Tests that skipped themselves (a machine too loaded for a real-time test), with their note. */
  skipped: string[];
}


function usage(): never {
  process.stderr.write('usage: npm run test:repeat -- N [--hog] [--ref REF] [--keep]\n');
  process.exit(2);
}

function run(cmd: string, args: string[], cwd: string, timeoutMs: number, env: Record<string, string> = {}): number {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit', timeout: timeoutMs, env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function startHog(): ChildProcess | undefined {
  const core = Math.max(0, cpus().length - 1);
  const hog = spawn('taskset', ['-c', String(core), process.execPath, '-e', 'for(;;){}'], { stdio: 'ignore' });
  hog.on('error', () => process.stderr.write('test:repeat: taskset is missing; running without the CPU hog\n'));
  process.stdout.write(`test:repeat: CPU hog pinned to core ${core} (pid ${hog.pid})\n`);
  return hog;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor((s.length - 1) / 2)]!;
}

function main(): number {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { hog: { type: 'boolean', default: false }, ref: { type: 'string', default: 'HEAD' }, keep: { type: 'boolean', default: false } },
  });
  const runs = Number(positionals[0] ?? '10');
  if (!Number.isInteger(runs) || runs < 1 || runs > MAX_RUNS) usage();

  const repo = path.resolve(import.meta.dirname, '..');
  const dirty = spawnSync('git', ['status', '--porcelain'], { cwd: repo, encoding: 'utf8' }).stdout.trim();
  if (dirty !== '' && values.ref === 'HEAD') process.stdout.write('test:repeat: the working tree has uncommitted changes; they are not part of the clone\n');
  const dir = mkdtempSync(path.join(tmpdir(), 'arena-repeat-'));
  process.stdout.write(`test:repeat: ${runs} run(s) of npm test in a fresh clone of ${values.ref} at ${dir}\n`);
  if (run('git', ['clone', '--quiet', '--no-hardlinks', repo, dir], repo, INSTALL_TIMEOUT_MS) !== 0) return 1;
  if (run('git', ['checkout', '--quiet', '--detach', values.ref], dir, INSTALL_TIMEOUT_MS) !== 0) return 1;
  if (run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], dir, INSTALL_TIMEOUT_MS) !== 0) return 1;

  const hog = values.hog ? startHog() : undefined;
  const files = new Map<string, FileResult>();
  const runResults: Array<{ ok: boolean; seconds: number }> = [];
  try {
    for (let i = 1; i <= runs; i++) {
      const report = path.join(dir, `.repeat-${i}.json`);
      const t0 = performance.now();
      process.stdout.write(`\n=== run ${i}/${runs} ===\n`);
      const code = run('npm', ['test', '--', '--reporter=dot', '--reporter=./tools/fileReporter.ts'], dir, RUN_TIMEOUT_MS, { REPEAT_REPORT_FILE: report });
      const seconds = (performance.now() - t0) / 1000;
      runResults.push({ ok: code === 0, seconds });
      if (!existsSync(report)) {
        process.stdout.write(`run ${i}: no report (exit ${code}): preflight, type check or setup failed\n`);
        continue;
      }
      for (const f of JSON.parse(readFileSync(report, 'utf8')) as FileOutcome[]) {
        const entry = files.get(f.file) ?? { passes: 0, failures: 0, durationsMs: [], errors: [], skipped: [] };
        files.set(f.file, entry);
        if (f.ok) entry.passes++;
        else entry.failures++;
        for (const e of f.errors) entry.errors.push(`run ${i}: ${e}`);
        for (const s of f.skipped) entry.skipped.push(`run ${i}: ${s}`);
        entry.durationsMs.push(f.durationMs);
      }
      process.stdout.write(`run ${i}: ${code === 0 ? 'green' : 'RED'} in ${seconds.toFixed(0)} s\n`);
    }
  } finally {
    hog?.kill('SIGKILL');
  }

  const rows = [...files.entries()].sort((a, b) => median(b[1].durationsMs) - median(a[1].durationsMs));
  process.stdout.write(`\n| Test file | Passed | Failed | Tests skipped | Median time (s) |\n| --- | ---: | ---: | ---: | ---: |\n`);
  for (const [name, r] of rows) process.stdout.write(`| ${name} | ${r.passes} | ${r.failures} | ${r.skipped.length} | ${(median(r.durationsMs) / 1000).toFixed(1)} |\n`);
  const failures = rows.flatMap(([name, r]) => r.errors.map((e) => `${name}: ${e}`));
  if (failures.length > 0) process.stdout.write(`\nFailures:\n${failures.map((f) => `- ${f}`).join('\n')}\n`);
  const skips = rows.flatMap(([name, r]) => r.skipped.map((s) => `${name}: ${s}`));
  if (skips.length > 0) process.stdout.write(`\nSkipped at run time (each is a run that did not check what the test asserts):\n${skips.map((s) => `- ${s}`).join('\n')}\n`);
  const green = runResults.filter((r) => r.ok).length;
  process.stdout.write(`\n${green}/${runs} runs green${values.hog ? ' (with a CPU hog on one core)' : ''}; run times ${runResults.map((r) => r.seconds.toFixed(0)).join(', ')} s\n`);
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  return green === runs ? 0 : 1;
}

process.exit(main());
