import { randomBytes } from 'node:crypto';
import { createArena, type ArenaRoom } from './clients.ts';
import { freePort, startServerProcess, type ServerProcess } from './serverProcess.ts';

export interface ClusterProcess extends ServerProcess {
  /** HTTP endpoint of this process (matchmaking, /readyz, /api/rooms). */
  endpoint: string;
}

/**
 * `count` game server processes sharing one Redis, each with its own fixed port and
 * PUBLIC_ADDRESS (as `npm run cluster` runs them), started in parallel.
 */
export async function startCluster(count: number, env: Record<string, string>): Promise<ClusterProcess[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  // As `npm run cluster` does: every process accepts pages from every other one, one token secret.
  const shared = {
    ALLOWED_ORIGINS: ports.flatMap((port) => [`http://127.0.0.1:${port}`, `http://localhost:${port}`]).join(','),
    AUTH_SECRET: randomBytes(32).toString('hex'),
  };
  return Promise.all(ports.map(async (port) => {
    const p = await startServerProcess({ CLIENT_DIR: 'none', LOG_LEVEL: 'info', ...shared, ...env, PORT: String(port), PUBLIC_ADDRESS: `127.0.0.1:${port}` }, 40_000);
    return { ...p, endpoint: `http://127.0.0.1:${port}` };
  }));
}

/** Port of the process a room's WebSocket is connected to. */
export function hostPort(room: { connection: { url?: string } }): number {
  return Number(new URL(room.connection.url!).port);
}

/** JSON from a process, or the HTTP status when it is not 2xx. */
export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  let body: unknown = text;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body };
}

/** Structured log lines a server process printed (LOG_LEVEL=info), parsed. */
export function logLines(p: ServerProcess): Array<Record<string, any>> {
  return p.output().split('\n').filter((l) => l.startsWith('{')).map((l) => {
    try { return JSON.parse(l) as Record<string, any>; } catch { return {}; }
  });
}

/**
 * Create rooms through `via` until one is hosted where `wanted` says. New rooms go to the least
 * loaded process, so the misses (kept open, pushed to `keep` for cleanup) steer the next create
 * towards the others.
 */
export async function createWhere(via: ClusterProcess, wanted: (port: number) => boolean, options: Record<string, unknown>, keep: ArenaRoom[]): Promise<ArenaRoom> {
  for (let i = 0; i < 8; i++) {
    const room = await createArena(via.endpoint, { name: `probe${i}`, ...options });
    keep.push(room);
    if (wanted(hostPort(room))) return room;
  }
  throw new Error('no room landed where wanted');
}
