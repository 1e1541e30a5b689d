import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineRoom, defineServer, matchMaker } from '@colyseus/core';
import { WebSocketTransport } from '@colyseus/ws-transport';
import { startAgent } from './agent.ts';
import { TUTORIAL_ROOM, TutorialRoom } from './tutorialRoom.ts';

/** The tutorial-style Colyseus baseline server (room `tutorial`), with the benchmark agent. */

const httpServer = http.createServer();
const server = defineServer({
  rooms: { [TUTORIAL_ROOM]: defineRoom(TutorialRoom) },
  transport: new WebSocketTransport({ server: httpServer }),
  greet: false,
  gracefullyShutdown: false,
});
await server.listen(0, '127.0.0.1');
startAgent(
  (httpServer.address() as AddressInfo).port,
  () => ({ ccu: matchMaker.stats.local.ccu, rooms: matchMaker.stats.local.roomCount }),
  () => server.gracefullyShutdown(false),
);
