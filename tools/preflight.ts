/**
 * `npm test` runs this first: the suite needs a few programs from the machine besides what
 * `npm install` brings. Each one missing is installed with Debian's apt-get when this process
 * may (root, apt-get present, TEST_NO_INSTALL unset), announced on one line; otherwise the run
 * stops at once with one line naming the command to run. No test is ever skipped for want of one.
 *
 * A Redis server to talk to is not required: when none answers on 127.0.0.1:6379 the suite starts
 * its own (test/helpers/globalSetup.ts); only the `redis-server` program must exist.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { TEST_PROGRAMS, type TestProgram } from './testPrograms.ts';

function onPath(name: string): boolean {
  if (name.includes('/')) return executable(name);
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && executable(join(dir, name)));
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function mayInstall(): boolean {
  return process.env.TEST_NO_INSTALL !== '1' && process.getuid?.() === 0 && onPath('apt-get');
}

function aptGet(args: string[]): void {
  const run = spawnSync('apt-get', args, {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 15 * 60_000,
  });
  if (run.status !== 0) {
    process.stderr.write(`${run.stdout ?? ''}${run.stderr ?? ''}`);
    throw new Error(`apt-get ${args.join(' ')} failed (exit ${run.status ?? run.signal})`);
  }
}

function main(): number {
  const missing = TEST_PROGRAMS.filter((p) => !onPath(p.path));
  if (missing.length === 0) return 0;
  if (!mayInstall()) {
    const first = missing[0] as TestProgram;
    const packages = missing.map((p) => p.debianPackage).join(' ');
    process.stderr.write(`npm test: ${first.neededFor} need ${first.path}, which is missing: run \`sudo apt-get install -y ${packages}\`, then npm test again.\n`);
    return 1;
  }
  const packages = missing.map((p) => p.debianPackage);
  process.stdout.write(`npm test: installing ${packages.join(', ')} with apt-get (${missing.map((p) => p.neededFor).join('; ')}); this happens once per machine.\n`);
  try {
    aptGet(['update', '-qq']);
    aptGet(['install', '-y', '-qq', ...packages]);
  } catch (err) {
    process.stderr.write(`npm test: ${(err as Error).message}: install them by hand (\`apt-get install -y ${packages.join(' ')}\`), then npm test again.\n`);
    return 1;
  }
  const still = missing.filter((p) => !onPath(p.path));
  if (still.length > 0) {
    process.stderr.write(`npm test: ${still.map((p) => p.path).join(', ')} still missing after apt-get install.\n`);
    return 1;
  }
  // The browser tests depend on it starting here (root, no display); say so now rather than in six failures.
  const chromium = TEST_PROGRAMS.find((p) => p.debianPackage === 'chromium');
  if (chromium && missing.includes(chromium)) execFileSync(chromium.path, ['--version'], { stdio: 'ignore', timeout: 30_000 });
  return 0;
}

process.exit(main());
