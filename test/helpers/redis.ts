import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './serverProcess.ts';
import { sleep } from './wait.ts';

/** Key prefixes on the machine's shared Redis: tools/harness/redisKeys.ts (the soak run uses them too). */
export { deleteKeysWithPrefix, keysWithPrefix, SHARED_REDIS_URL, uniqueKeyPrefix } from '../../tools/harness/redisKeys.ts';

export interface OwnRedis {
  url: string;
  port: number;
  /** Process id of the current redis-server. */
  pid(): number;
  /** SIGSTOP: Redis keeps its sockets open and answers nothing. */
  freeze(): void;
  /** SIGCONT. */
  resume(): void;
  /** Stop it (SIGKILL: no persistence, so a restart comes back empty). */
  kill(): Promise<void>;
  /** Start it again on the same port. */
  restart(): Promise<void>;
}

/**
 * A private redis-server on an ephemeral port, for tests that stop or freeze Redis. No
 * persistence (`--save "" --appendonly no`); ended by process id.
 */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess;
  const launch = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], {
      stdio: 'ignore',
    });
    const own = child;
    const reap = () => {
      if (own.exitCode !== null || own.signalCode !== null) return;
      process.kill(own.pid!, 'SIGCONT');
      own.kill('SIGKILL');
    };
    process.once('exit', reap);
    own.once('exit', () => process.off('exit', reap));
    const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // refused while it starts: expected
    try {
      for (let i = 0; i < 100; i++) {
        try {
          if (probe.status !== 'ready') await probe.connect();
          if ((await probe.ping()) === 'PONG') return;
        } catch {
          await sleep(50);
        }
      }
      throw new Error(`redis-server on port ${port} did not start`);
    } finally {
      probe.disconnect();
    }
  };
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(child.pid!, 'SIGCONT');
    process.kill(child.pid!, 'SIGKILL');
    await gone;
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: () => child.pid!,
    freeze: () => process.kill(child.pid!, 'SIGSTOP'),
    resume: () => process.kill(child.pid!, 'SIGCONT'),
    kill,
    restart: launch,
  };
}
