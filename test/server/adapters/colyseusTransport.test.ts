import http from 'node:http';
import { WebSocketTransport } from '@colyseus/ws-transport';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { wsServerOf } from '../../../server/adapters/colyseusTransport.ts';

/** Contract of server/adapters/colyseusTransport.ts with the pinned @colyseus/ws-transport. */
describe('the Colyseus transport adapter', () => {
  it('reaches the ws server the transport accepts its connections on', () => {
    const transport = new WebSocketTransport({ server: http.createServer(), pingInterval: 0 });
    const wss = wsServerOf(transport);
    expect(wss).toBeInstanceOf(WebSocketServer);
    // The transport's own handler is on it: this is the server connections arrive at.
    expect(wss.listenerCount('connection')).toBeGreaterThanOrEqual(1);
    transport.shutdown();
  });
});
