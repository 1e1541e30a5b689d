import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GuestAuth } from '../../game-client/net/guestAuth.ts';
import { Lobby } from '../../game-client/net/lobby.ts';
import { loadStoreConfig } from '../../server/store/config.ts';
import { openStore } from '../../server/store/store.ts';
import { cookieJarFetch } from '../helpers/cookieJar.ts';
import { freePort, startServerProcess, type ServerProcess } from '../helpers/serverProcess.ts';
import { sleep, waitFor } from '../helpers/wait.ts';

const CHECKPOINT_S = 1;

/**
 * `kill -9` of a server mid-match, then a restart on the same address: the match it left running
 * is closed as `interrupted`, with the lines of its last checkpoint (at most CHECKPOINT_S old).
 */
describe('a server killed mid-match', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'arena-kill9-'));
  const procs: ServerProcess[] = [];
  afterAll(async () => {
    for (const p of procs) await p.stop('SIGKILL').catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is closed as interrupted with its last checkpoint when the process comes back', async () => {
    const port = await freePort();
    const env = { PORT: String(port), DATA_DIR: dataDir, MATCH_DURATION_S: '600', MATCH_CHECKPOINT_INTERVAL_S: String(CHECKPOINT_S) };
    const first = await startServerProcess(env);
    procs.push(first);
    const endpoint = `http://127.0.0.1:${port}`;
    const lobbies = await Promise.all(['kim', 'lee'].map(async (name) => {
      const auth = new GuestAuth(endpoint, cookieJarFetch().fetch);
      await auth.signIn(name);
      return new Lobby(endpoint, { auth });
    }));
    const a = await lobbies[0]!.createPrivate('kim');
    const b = await lobbies[1]!.joinByCode(a.code, 'lee');
    const config = loadStoreConfig({ DATA_DIR: dataDir });
    // Wait for a checkpoint with both players in it, read from the database itself.
    const reader = await openStore(config);
    try {
      const running = await waitFor('a checkpoint with both players', async () => {
        const rows = await reader.db.selectFrom('matches').select(['id', 'status']).execute();
        if (rows.length !== 1) return undefined;
        const m = await reader.history.match(rows[0]!.id);
        return m?.status === 'running' && m.lines.length === 2 ? m : undefined;
      }, { timeoutMs: 10_000, intervalMs: 200 });
      first.child.kill('SIGKILL');
      await first.exited;
      void a.leave().catch(() => undefined);
      void b.leave().catch(() => undefined);
      await sleep(100);

      const second = await startServerProcess(env);
      procs.push(second);
      const closed = await waitFor('the match closed as interrupted', async () => {
        const m = await reader.history.match(running.matchId);
        return m?.status === 'ended' ? m : undefined;
      }, { timeoutMs: 10_000, intervalMs: 200 });
      expect(closed.endReason).toBe('interrupted');
      expect(closed.lines.map((l) => l.name).sort()).toEqual(['kim', 'lee']);
      expect(closed.endedAt).toBeGreaterThanOrEqual(running.startedAt);
      await second.stop();
    } finally {
      await reader.close(0);
    }
  });
});
