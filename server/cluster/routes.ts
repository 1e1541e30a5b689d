import { matchMaker } from '@colyseus/core';
import type { Application } from 'express';
import { roomCode } from '../../shared/messages.ts';
import { sendError } from '../http/errors.ts';
import { localLoad } from '../http/routes.ts';
import { requestClient } from '../security/clientAddress.ts';
import type { SecretGuesses } from '../security/secretGuesses.ts';
import { retryAfterSeconds } from '../security/tokenBucket.ts';
import type { RedisHealth } from './redisHealth.ts';

export interface OperationsView {
  /** Redis health (undefined: single process, no Redis). */
  health: RedisHealth | undefined;
  draining(): boolean;
  /** Room codes are secrets (of private rooms): every lookup spends from their guessing budget. */
  guesses: SecretGuesses;
}

/**
 * Routes for operators and for clients that reconnect:
 * - `GET /readyz`: 200 while this process should get new players, 503 while it drains or its
 *   Redis is unreachable (point a load balancer's health check here; `/healthz` is liveness).
 *   The body carries the process' load and memory.
 * - `GET /api/rooms/:code`: 200 if the room exists anywhere in the cluster, 404 if not. A
 *   reconnecting client asks this to give up at once when its room's process is gone. It confirms
 *   a private room's code, so it is limited like every guess (a 404 costs more than a 200).
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
    // Not even shaped like a code: nothing to look up, nothing learnt.
    const code = roomCode.safeParse(req.params.code);
    if (!code.success) return void sendError(res, 404, 'room_not_found');
    const attempt = view.guesses.attempt('room_code', requestClient(req).ip, 'http');
    if (!attempt.ok) return void sendError(res, 429, 'too_many_guesses', { 'retry-after': retryAfterSeconds(attempt.retryAfterMs) });
    try {
      const room = await matchMaker.getRoomById(code.data);
      attempt.settle(Boolean(room));
      if (!room) return void sendError(res, 404, 'room_not_found');
      res.set('cache-control', 'no-store').json({ code: room.roomId });
    } catch (err) {
      attempt.settle(true); // not answered: nothing learnt
      next(err);
    }
  });
}

