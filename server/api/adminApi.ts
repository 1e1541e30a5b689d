import { matchMaker } from '@colyseus/core';
import express, { type Application, type Request, type Response } from 'express';
import { z } from 'zod';
import { log } from '../observability/log.ts';
import { secretMatches } from '../dashboard/auth.ts';
import type { EngineRoom } from '../rooms/EngineRoom.ts';
import { requestClient } from '../security/clientAddress.ts';
import type { SecretGuesses } from '../security/secretGuesses.ts';
import { retryAfterSeconds, TokenBucket } from '../security/tokenBucket.ts';
import type { Store } from '../store/store.ts';
import { sendError } from '../http/errors.ts';

/** The admin token's header. Header only: a token in a URL ends up in logs and browser history. */
export const ADMIN_TOKEN_HEADER = 'x-admin-token';
export const ADMIN_API_PREFIX = '/admin/api';
/** Admin actions per process (valid token): a stolen token cannot flood the cluster. */
export const ADMIN_ACTIONS_LIMIT = { ratePerS: 5, burst: 30 };
/** A room in another process that does not answer a remote call in this time is reported as such. */
const REMOTE_CALL_TIMEOUT_MS = 3000;
const MAX_REASON_CHARS = 200;

const profileId = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'not a profile id');
const roomId = z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'not a room id');
const banBody = z.strictObject({ reason: z.string().trim().min(1).max(MAX_REASON_CHARS).regex(/^[\p{L}\p{N}\p{P}\p{Zs}]+$/u, 'printable text only') });

/**
 * The operators' API, on only when ADMIN_TOKEN is set: list rooms and players across the cluster,
 * kick a player, ban and unban a profile, close a room, delete a profile (its match lines kept,
 * anonymised). The token travels only in the X-Admin-Token header (a browser cannot send it
 * cross-site without a CORS preflight, which this server never grants: CSRF-safe by construction),
 * compared in constant time, within the `admin_token` guessing budget; valid requests share a
 * per-process rate. Every action, allowed or refused after authentication, goes to the audit table.
 */
export function mountAdminApi(app: Application, token: string, store: Store, guesses: SecretGuesses): void {
  const actions = new TokenBucket(ADMIN_ACTIONS_LIMIT, performance.now());
  const router = express.Router();
  router.use((req, res, next) => {
    if (Object.keys(req.query).some((k) => /token/i.test(k))) return sendError(res, 400, 'token_in_url');
    const presented = req.headers[ADMIN_TOKEN_HEADER];
    if (typeof presented !== 'string') return sendError(res, 401, 'unauthorised');
    const attempt = guesses.attempt('admin_token', requestClient(req).ip, 'http');
    if (!attempt.ok) return sendError(res, 429, 'too_many_guesses', { 'retry-after': retryAfterSeconds(attempt.retryAfterMs) });
    const ok = secretMatches(presented, token);
    attempt.settle(ok);
    if (!ok) return sendError(res, 401, 'unauthorised');
    const now = performance.now();
    if (actions.take(now) !== 'ok') return sendError(res, 429, 'rate_limited', { 'retry-after': retryAfterSeconds(actions.waitMs(now)) });
    res.set('cache-control', 'no-store');
    next();
  });
  router.use(express.json({ limit: '1kb', strict: true }));

  const audit = async (action: string, target: string, detail: string, ok: boolean) => {
    try {
      await store.audit.record({ at: Date.now(), action, target, detail, ok });
    } catch (err) {
      log.error({ err: (err as Error).message, action, target }, 'admin audit write failed');
    }
    log.info({ action, target, ok }, 'admin action');
  };
  const param = <T>(schema: z.ZodType<T>, value: unknown, res: Response): T | undefined => {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    sendError(res, 400, `bad_request: ${r.error.issues[0]?.message ?? 'invalid'}`);
    return undefined;
  };

  router.get('/rooms', async (_req, res, next) => {
    try {
      const rooms = await matchMaker.query({});
      res.json({ rooms: rooms.map((r) => ({ roomId: r.roomId, name: r.name, clients: r.clients, maxClients: r.maxClients, processId: r.processId, metadata: r.metadata })) });
    } catch (err) { next(err); }
  });

  router.get('/rooms/:roomId/players', async (req, res, next) => {
    const id = param(roomId, req.params.roomId, res);
    if (id === undefined) return;
    try {
      const players = await callRoom<ReturnType<EngineRoom['listPlayers']>>(id, 'listPlayers', []);
      if (players === undefined) return sendError(res, 404, 'room_not_found');
      res.json({ players });
    } catch (err) { next(err); }
  });

  router.post('/rooms/:roomId/close', async (req, res, next) => {
    const id = param(roomId, req.params.roomId, res);
    if (id === undefined) return;
    try {
      const found = await callRoom(id, 'closeByAdmin', []);
      await audit('close_room', id, '', found !== undefined);
      if (found === undefined) return sendError(res, 404, 'room_not_found');
      res.json({ closed: id });
    } catch (err) { next(err); }
  });

  router.post('/players/:id/kick', async (req, res, next) => {
    const id = param(profileId, req.params.id, res);
    if (id === undefined) return;
    try {
      const kicked = await kickEverywhere(id);
      await audit('kick', id, `${kicked} seat(s)`, true);
      res.json({ kicked });
    } catch (err) { next(err); }
  });

  router.post('/players/:id/ban', async (req: Request, res: Response, next) => {
    const id = param(profileId, req.params.id, res);
    const body = id === undefined ? undefined : param(banBody, req.body ?? {}, res);
    if (id === undefined || body === undefined) return;
    try {
      const found = await store.profiles.setBan(id, body.reason);
      const kicked = found ? await kickEverywhere(id) : 0;
      await audit('ban', id, body.reason, found);
      if (!found) return sendError(res, 404, 'not_found');
      res.json({ banned: id, kicked });
    } catch (err) { next(err); }
  });

  router.delete('/players/:id/ban', async (req, res, next) => {
    const id = param(profileId, req.params.id, res);
    if (id === undefined) return;
    try {
      const found = await store.profiles.setBan(id, null);
      await audit('unban', id, '', found);
      if (!found) return sendError(res, 404, 'not_found');
      res.json({ unbanned: id });
    } catch (err) { next(err); }
  });

  router.delete('/players/:id', async (req, res, next) => {
    const id = param(profileId, req.params.id, res);
    if (id === undefined) return;
    try {
      const kicked = await kickEverywhere(id);
      const found = await store.profiles.delete(id);
      await audit('delete_profile', id, `${kicked} seat(s) kicked`, found);
      if (!found) return sendError(res, 404, 'not_found');
      res.json({ deleted: id, kicked });
    } catch (err) { next(err); }
  });

  router.get('/audit', async (_req, res, next) => {
    try {
      res.json({ entries: await store.audit.recent(100) });
    } catch (err) { next(err); }
  });

  app.use(ADMIN_API_PREFIX, router);
}

/** Call a method of a room wherever in the cluster it runs; undefined when there is no such room. */
async function callRoom<T>(id: string, method: 'listPlayers' | 'closeByAdmin' | 'kickProfile', args: unknown[]): Promise<T | undefined> {
  const rooms = await matchMaker.query({ roomId: id });
  if (rooms.length === 0) return undefined;
  const result = await matchMaker.remoteRoomCall(id, method as never, args, REMOTE_CALL_TIMEOUT_MS);
  return (result ?? null) as T;
}

/** Remove every seat of a profile in every room of the cluster. */
async function kickEverywhere(id: string): Promise<number> {
  const rooms = await matchMaker.query({});
  let kicked = 0;
  await Promise.all(rooms.map(async (r) => {
    try {
      kicked += Number(await matchMaker.remoteRoomCall(r.roomId, 'kickProfile' as never, [id], REMOTE_CALL_TIMEOUT_MS)) || 0;
    } catch (err) {
      log.warn({ err: (err as Error).message, roomId: r.roomId }, 'admin kick: a room did not answer');
    }
  }));
  return kicked;
}
