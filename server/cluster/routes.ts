import { matchMaker, ServerError } from '@colyseus/core';
import type { Application, NextFunction, Request, Response } from 'express';
import { roomCode } from '../../shared/messages.ts';
import { localLoad } from '../http/routes.ts';
import type { RedisHealth } from './redisHealth.ts';

export interface OperationsView {
  /** Redis health (undefined: single process, no Redis). */
  health: RedisHealth | undefined;
  draining(): boolean;
}

/**
 * Routes for operators and for clients that reconnect:
 * - `GET /readyz`: 200 while this process should get new players, 503 while it drains or its
 *   Redis is unreachable (point a load balancer's health check here; `/healthz` is liveness).
 *   The body carries the process' load and memory.
 * - `GET /api/rooms/:code`: 200 if the room exists anywhere in the cluster, 404 if not. A
 *   reconnecting client asks this to give up at once when its room's process is gone.
 */
export function mountOperationsRoutes(app: Application, view: OperationsView): void {
  app.get('/readyz', (_req, res) => {
    const reasons: string[] = [];
    if (view.draining()) reasons.push('draining');
    if (view.health && !view.health.up) reasons.push(`redis: ${view.health.reason}`);
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    res.status(reasons.length === 0 ? 200 : 503).set('cache-control', 'no-store').json({
      ready: reasons.length === 0,
      reasons,
      processId: matchMaker.processId,
      pid: process.pid,
      ...localLoad(),
      redis: view.health ? (view.health.up ? 'up' : 'down') : 'none',
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      uptimeS: Math.round(process.uptime()),
    });
  });

  app.get('/api/rooms/:code', async (req, res, next) => {
    const code = roomCode.safeParse(req.params.code);
    if (!code.success) return void res.status(404).json({ error: 'not_found' });
    try {
      const room = await matchMaker.getRoomById(code.data);
      res.set('cache-control', 'no-store');
      if (room) res.json({ code: room.roomId });
      else res.status(404).json({ error: 'not_found' });
    } catch (err) {
      next(err);
    }
  });
}

/** Turn a refusal from matchmaking or the room list (Redis down, draining) into a JSON 503. */
export function serviceUnavailableHandler(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (err instanceof ServerError && err.code === 503 && !res.headersSent) {
    res.status(503).set('retry-after', '2').json({ error: err.message });
    return;
  }
  next(err);
}
