import { describe, expect, it } from 'vitest';
import { parseClusterArgs } from '../../../server/cluster/cli.ts';
import { DEFAULT_OPERATIONS, loadOperationsConfig, redactRedisUrl } from '../../../server/cluster/config.ts';

describe('operations settings', () => {
  it('default to one process with heartbeats, a 20 s reconnection window and no match clock', () => {
    expect(loadOperationsConfig({})).toEqual(DEFAULT_OPERATIONS);
    expect(DEFAULT_OPERATIONS).toMatchObject({ redisUrl: null, reconnectWindowS: 20, matchDurationS: 0, heartbeatIntervalMs: 1500, heartbeatMaxMissed: 2 });
  });

  it('read the environment and refuse nonsense', () => {
    expect(loadOperationsConfig({ REDIS_URL: 'redis://r:6379/2', PUBLIC_ADDRESS: 'game.example.com/p1', RECONNECT_WINDOW_S: '0', DRAIN_DEADLINE_S: '120' }))
      .toMatchObject({ redisUrl: 'redis://r:6379/2', publicAddress: 'game.example.com/p1', reconnectWindowS: 0, drainDeadlineS: 120 });
    expect(() => loadOperationsConfig({ HEARTBEAT_MAX_MISSED: '0' })).toThrow(/HEARTBEAT_MAX_MISSED/);
    expect(() => loadOperationsConfig({ RECONNECT_WINDOW_S: 'soon' })).toThrow(/RECONNECT_WINDOW_S/);
    expect(loadOperationsConfig({ ROOM_PLACEMENT: 'local' }).roomPlacement).toBe('local');
    expect(DEFAULT_OPERATIONS.roomPlacement).toBe('least-loaded');
    expect(() => loadOperationsConfig({ ROOM_PLACEMENT: 'random' })).toThrow(/ROOM_PLACEMENT/);
  });

  it('never print a Redis password', () => {
    expect(redactRedisUrl('redis://user:hunter2@r:6379/0')).toBe('redis://user:***@r:6379/0');
    expect(redactRedisUrl('not a url')).not.toContain('not a url');
  });
});

describe('npm run cluster arguments', () => {
  it('parse with defaults', () => {
    expect(parseClusterArgs(['--processes', '3'], {})).toEqual({
      processes: 3, basePort: 2567, host: '127.0.0.1', publicHost: 'localhost', redisUrl: 'redis://127.0.0.1:6379', keyPrefix: '',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/arena',
    });
    expect(parseClusterArgs(['--database', 'postgres://db/x'], { DATABASE_URL: 'postgres://other/y' })).toMatchObject({ databaseUrl: 'postgres://db/x' });
    expect(parseClusterArgs([], { DATABASE_URL: 'postgres://other/y' })).toMatchObject({ databaseUrl: 'postgres://other/y' });
    expect(parseClusterArgs(['-n', '2', '--base-port', '3000', '--redis', 'redis://x:1'], { REDIS_KEY_PREFIX: 'a:' }))
      .toMatchObject({ processes: 2, basePort: 3000, redisUrl: 'redis://x:1', keyPrefix: 'a:' });
    expect(parseClusterArgs(['--help'], {})).toBe('help');
  });

  it('reject what they cannot run', () => {
    expect(() => parseClusterArgs(['--processes', '0'], {})).toThrow(/--processes/);
    expect(() => parseClusterArgs(['--processes', 'two'], {})).toThrow(/--processes/);
    expect(() => parseClusterArgs(['--base-port', '65535', '--processes', '2'], {})).toThrow(/--base-port/);
    expect(() => parseClusterArgs(['--proceses', '2'], {})).toThrow();
  });
});
