import { afterAll, beforeAll } from 'vitest';
import { leaveAll, type ArenaRoom } from './clients.ts';
import { startTestServer, type TestServerOverrides } from './server.ts';

export interface SuiteServer {
  /** The server's http:// address (once the suite's `beforeAll` has run). */
  readonly endpoint: string;
  /** Rooms the tests joined: left before the server closes. */
  readonly rooms: ArenaRoom[];
}

/**
 * A test server for the enclosing `describe` block: started before its tests; after them, the
 * rooms its tests pushed into `rooms` are left and the server is closed.
 */
export function suiteServer(overrides: TestServerOverrides = {}): SuiteServer {
  let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
  const rooms: ArenaRoom[] = [];
  beforeAll(async () => { server = await startTestServer(overrides); });
  afterAll(async () => {
    await leaveAll(rooms);
    await server?.close();
  });
  return {
    get endpoint() {
      if (server === undefined) throw new Error('suiteServer: the endpoint is known once the suite has started');
      return server.endpoint;
    },
    rooms,
  };
}
