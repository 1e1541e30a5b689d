import { matchMaker } from '@colyseus/core';
import type { Application } from 'express';
import { ARENA_ROOM, BATTLE_ROOM } from '../../shared/limits.ts';
import type { GameListing } from '../../shared/games/catalog.ts';
import type { ArenaMetadata, RoomListing } from '../../shared/messages.ts';
import { clientBuilt, serveClient } from './clientAssets.ts';
import { sendError } from './errors.ts';

/**
 * Public rooms of both types with their player counts, fullest first (what the lobby shows).
 * A room whose player seats are all taken stays listed (spectators may still join it), though
 * quick play no longer picks it.
 */
export async function listPublicRooms(): Promise<RoomListing[]> {
  const rooms = [...await matchMaker.query({ name: ARENA_ROOM }), ...await matchMaker.query({ name: BATTLE_ROOM })];
  return rooms
    .filter((r) => (r.metadata as Partial<ArenaMetadata> | undefined)?.private === false)
    .map((r) => {
      const meta = r.metadata as Partial<ArenaMetadata>;
      return {
        code: r.roomId,
        clients: meta.players ?? r.clients,
        maxClients: meta.maxPlayers ?? r.maxClients,
        mapId: meta.mapId ?? 'arena',
        kind: meta.kind ?? r.name,
        spectators: meta.spectators ?? 0,
        maxSpectators: meta.maxSpectators ?? 0,
      };
    })
    .sort((a, b) => b.clients - a.clients || a.code.localeCompare(b.code));
}

/** Counts of what this process hosts. */
export function localLoad(): { rooms: number; clients: number } {
  return { rooms: matchMaker.stats.local.roomCount, clients: matchMaker.stats.local.ccu };
}

/** `games`: what `GET /api/games` lists (shared/games/catalog.ts). */
export function mountRoutes(app: Application, clientDir: string | null, games: readonly GameListing[]): void {
  app.disable('x-powered-by');

  app.get('/healthz', (_req, res) => {
    const load = localLoad();
    res.json({ status: 'ok', rooms: load.rooms, clients: load.clients, uptimeS: Math.round(process.uptime()) });
  });

  app.get('/api/games', (_req, res) => {
    res.set('cache-control', 'no-store').json({ games });
  });

  app.get('/api/rooms', async (_req, res, next) => {
    try {
      res.set('cache-control', 'no-store').json({ rooms: await listPublicRooms() });
    } catch (err) {
      next(err);
    }
  });

  if (clientDir === null) return;
  if (!clientBuilt(clientDir)) {
    app.get('/', (_req, res) => {
      // The fixed error shape like every other error answer; the reason tells the operator what to run.
      sendError(res, 503, 'service_unavailable: the game client is not built; run npm run build (npm start does it)');
    });
    return;
  }
  serveClient(app, clientDir);
}
