import { randomBytes } from 'node:crypto';
import { freePorts, startServerProcess, type ServerProcess } from './serverProcess.ts';

/** Rooms created through a process are hosted by it (server/cluster/placement.ts). */
export const LOCAL_PLACEMENT = { ROOM_PLACEMENT: 'local' };

export interface ClusterProcess extends ServerProcess {
  /** HTTP endpoint of this process (matchmaking, /readyz, /api/rooms). */
  endpoint: string;
}

/**
 * `count` game server processes sharing one Redis, each with its own fixed port and
 * PUBLIC_ADDRESS (as `npm run cluster` runs them, or `publicAddress(i, port)`: e.g. a path behind
 * a proxy), started in parallel. `perProcess[i]` adds to process i's environment. Tests that care where a room lives do not leave it to load-based
 * placement: they run processes with `ROOM_PLACEMENT=local` (see LOCAL_PLACEMENT) and create
 * through the process they want.
 */
export async function startCluster(
  count: number,
  env: Record<string, string>,
  perProcess: Array<Record<string, string>> = [],
  publicAddress: (index: number, port: number) => string = (_i, port) => `127.0.0.1:${port}`,
  /** Ports the caller holds for something else it has not started yet (never given to a process). */
  avoidPorts: readonly number[] = [],
): Promise<ClusterProcess[]> {
  const ports = await freePorts(count, avoidPorts);
  // As `npm run cluster` does: every process accepts pages from every other one, one token secret.
  const shared = {
    ALLOWED_ORIGINS: ports.flatMap((port) => [`http://127.0.0.1:${port}`, `http://localhost:${port}`]).join(','),
    AUTH_SECRET: randomBytes(32).toString('hex'),
  };
  return Promise.all(ports.map(async (port, i) => {
    const p = await startServerProcess({ CLIENT_DIR: 'none', LOG_LEVEL: 'info', ...shared, ...env, ...perProcess[i], PORT: String(port), PUBLIC_ADDRESS: publicAddress(i, port) }, 40_000);
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
