import { existsSync } from 'node:fs';
import path from 'node:path';
import { matchMaker } from '@colyseus/core';
import express, { type Application } from 'express';
import { ARENA_ROOM, BATTLE_ROOM } from '../../shared/constants.ts';
import type { ArenaMetadata, RoomListing } from '../../shared/messages.ts';

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

export function mountRoutes(app: Application, clientDir: string | null): void {
  app.disable('x-powered-by');

  app.get('/healthz', (_req, res) => {
    const load = localLoad();
    res.json({ status: 'ok', rooms: load.rooms, clients: load.clients, uptimeS: Math.round(process.uptime()) });
  });

  app.get('/api/rooms', async (_req, res, next) => {
    try {
      res.set('cache-control', 'no-store').json({ rooms: await listPublicRooms() });
    } catch (err) {
      next(err);
    }
  });

  if (clientDir === null) return;
  if (!existsSync(path.join(clientDir, 'index.html'))) {
    app.get('/', (_req, res) => {
      res.status(503).type('text/plain').send('The game client is not built. Run `npm run build` (npm start does it for you).');
    });
    return;
  }
  app.use(express.static(clientDir, { index: 'index.html', maxAge: '1h', setHeaders: (res, file) => {
    if (file.endsWith('index.html')) res.setHeader('cache-control', 'no-cache');
  } }));
}
