import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { closeFrameReceived, CorkedSockets, tcpSocketOf } from '../../../server/adapters/wsSocket.ts';
import { waitFor } from '../../helpers/wait.ts';

/** Contract of server/adapters/wsSocket.ts with the pinned `ws`: fails when an upgrade moves its private members. */
describe('the ws adapter', () => {
  let wss: WebSocketServer;
  let port: number;
  beforeAll(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    port = (wss.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((done) => wss.close(() => done())));

  it('finds the TCP socket under a server-side WebSocket, and sees the peer\'s close frame arrive', async () => {
    const accepted = once(wss, 'connection');
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    const [ws] = (await accepted) as [WebSocket];
    const socket = tcpSocketOf(ws);
    expect(socket).toBeDefined();
    // Corking holds writes back until uncork: the client sees nothing in between.
    const got: string[] = [];
    client.on('message', (d) => got.push(String(d)));
    socket!.cork();
    ws.send('a');
    ws.send('b');
    socket!.uncork();
    await waitFor('both messages', () => got.length === 2, { timeoutMs: 2000 });
    expect(got).toEqual(['a', 'b']);
    // The same through CorkedSockets (what a patch cycle uses), a socketless WebSocket skipped.
    const corked = new CorkedSockets();
    corked.cork(ws);
    corked.cork(undefined);
    ws.send('c');
    ws.send('d');
    corked.uncorkAll();
    await waitFor('two more messages', () => got.length === 4, { timeoutMs: 2000 });
    expect(got).toEqual(['a', 'b', 'c', 'd']);
    expect((socket as unknown as { writableCorked: number }).writableCorked).toBe(0);

    expect(closeFrameReceived(ws)).toBe(false);
    const closed = once(ws, 'close');
    client.close(1000);
    await waitFor('the close frame', () => closeFrameReceived(ws), { timeoutMs: 2000 });
    await closed;
    expect(tcpSocketOf(undefined)).toBeUndefined();
  });
});
