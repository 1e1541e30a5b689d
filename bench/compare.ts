import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench -- --compare <git-ref>`: this server as it was at another commit, checked out in a
 * worktree in the system's temporary folder (outside this checkout, so no tool here sees it), run by this benchmark beside the current one (same bots,
 * same scenario, alternating) so that a change shows as a ratio against the code before it.
 * The other commit's `bench/servers/this.ts` and its agent must speak this benchmark's IPC
 * (ready / mark / collect / stop), as every commit since the benchmark began does.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORKTREES = path.join(tmpdir(), 'arena-bench-compare');

function git(args: string[], cwd = ROOT): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

export interface CompareTarget {
  /** The label in tables: `this@<short sha>`. */
  name: string;
  ref: string;
  sha: string;
  /** Its server script, run with its own sources and dependencies. */
  script: string;
}

/** Check out `ref` in a worktree (reused when already there) with its dependencies. */
export function prepareCompare(ref: string): CompareTarget {
  const sha = git(['rev-parse', '--verify', `${ref}^{commit}`]);
  const short = sha.slice(0, 8);
  const dir = path.join(WORKTREES, short);
  mkdirSync(WORKTREES, { recursive: true });
  if (!existsSync(path.join(dir, '.git'))) {
    rmSync(dir, { recursive: true, force: true });
    git(['worktree', 'prune']);
    git(['worktree', 'add', '--detach', dir, sha]);
  }
  const modules = path.join(dir, 'node_modules');
  if (!existsSync(modules)) {
    // The same lockfile: share this checkout's dependencies; otherwise install the commit's own.
    const sameLock = readFileSync(path.join(dir, 'package-lock.json'), 'utf8') === readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8');
    if (sameLock) {
      symlinkSync(path.join(ROOT, 'node_modules'), modules, 'dir');
    } else {
      process.stdout.write(`compare: installing ${short}'s dependencies (its lockfile differs)\n`);
      const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
      if (r.status !== 0) throw new Error(`npm ci in ${dir} failed`);
    }
  }
  const script = path.join(dir, 'bench/servers/this.ts');
  if (!existsSync(script)) throw new Error(`${ref} (${short}) has no bench/servers/this.ts to compare with`);
  return { name: `this@${short}`, ref, sha, script };
}
