import express from 'express';
import { describe, expect, it } from 'vitest';
import { routeLayersOf } from '../../../server/adapters/expressRouter.ts';

/** Contract of server/adapters/expressRouter.ts with the pinned Express: fails when an upgrade moves the routing table. */
describe('the Express router adapter', () => {
  it('lists the app\'s routes with their methods, each matching its own path only', () => {
    const app = express();
    app.get('/api/things/:id', (_req, res) => { res.end(); });
    app.post('/api/other', (_req, res) => { res.end(); });
    const routes = routeLayersOf(app).filter((l) => l.route !== undefined);
    expect(routes).toHaveLength(2);
    expect(routes[0]!.route!.methods).toMatchObject({ get: true });
    expect(routes[0]!.match('/api/things/7')).toBeTruthy();
    expect(routes[0]!.match('/api/other')).toBeFalsy();
    expect(routes[1]!.route!.methods).toMatchObject({ post: true });
  });
});
