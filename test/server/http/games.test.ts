import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gameListings, type GameListing } from '../../../shared/games/catalog.ts';
import { BALL_PLAYERS_PER_ROOM } from '../../../shared/games/ball/definition.ts';
import { BATTLE_MAX_PLAYERS } from '../../../shared/limits.ts';
import { startTestServer } from '../../helpers/server.ts';

/** GET /api/games: the games this server hosts, for the lobby and tools (server/http/routes.ts). */
describe('GET /api/games', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => { server = await startTestServer({ defaultMaxPlayers: 12 }); });
  afterAll(async () => { await server.close(); });

  it('lists each game with its room name, players per room (as configured) and a description', async () => {
    const answer = await fetch(`${server.endpoint}/api/games`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    const { games } = await answer.json() as { games: GameListing[] };
    expect(games.map((g) => [g.id, g.roomName, g.playersPerRoom])).toEqual([['arena', 'arena', 12], ['battle', 'battle', BATTLE_MAX_PLAYERS], ['ball', 'ball', BALL_PLAYERS_PER_ROOM]]);
    for (const g of games) expect(g.description.length).toBeGreaterThan(10);
    expect(games).toEqual(gameListings(12));
  });

  it('answers any other method with the fixed error shape', async () => {
    const answer = await fetch(`${server.endpoint}/api/games`, { method: 'POST' });
    expect(answer.status).toBe(405);
    expect(await answer.json()).toEqual({ code: 405, error: 'method_not_allowed' });
  });
});
