import type { Application } from 'express';

/**
 * The one place this project reads Express' routing table (`app.router.stack`, not a documented
 * API; express is pinned to an exact version for it, and test/server/adapters/expressRouter.test.ts
 * fails when an upgrade moves it). Used to answer 405 with the methods a path does serve.
 */

export interface RouteLayer {
  route?: { methods: Record<string, boolean> };
  match(path: string): unknown;
}

/** The app's router layers, in the order they match. */
export function routeLayersOf(app: Application): RouteLayer[] {
  const stack = (app as unknown as { router?: { stack?: RouteLayer[] } }).router?.stack;
  if (stack === undefined) throw new Error('Express internals changed: app.router.stack is missing (server/adapters/expressRouter.ts)');
  return stack;
}
