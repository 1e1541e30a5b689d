import { matchMaker, type Room } from '@colyseus/core';
import { createArena } from '../../helpers/clients.ts';
import { startTestServer } from '../../helpers/server.ts';

/*
 * Run by test/server/adapters/colyseusClient.test.ts in a child process with
 * `--allow-natives-syntax` (V8's `%HasFastProperties` is not reachable otherwise): one client joins
 * a real server; prints, as one JSON line, whether its server-side object kept V8's fast
 * properties and what its join queue reads as afterwards.
 */

const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;

const server = await startTestServer();
try {
  const joined = await createArena(server.endpoint, { name: 'probe', private: true });
  // The queue is dropped once the join's handler has run: let that turn end.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const room = matchMaker.getLocalRoomById(joined.roomId) as Room;
  const client = room.clients.getById(joined.sessionId) as unknown as Record<string, unknown> | undefined;
  if (client === undefined) throw new Error('the joined client is not in its room');
  process.stdout.write(`${JSON.stringify({
    fastProperties: hasFastProperties(client),
    queueGone: client._enqueuedMessages === undefined,
    ownQueue: Object.hasOwn(client, '_enqueuedMessages'),
  })}\n`);
  await joined.leave();
} finally {
  await server.close();
}
process.exit(0);
