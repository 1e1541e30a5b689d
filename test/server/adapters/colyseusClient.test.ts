import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ClientState, enqueueClientRaw, type Client, type ClientPrivate } from '@colyseus/core';
import { WebSocketClient } from '@colyseus/ws-transport';
import { describe, expect, it } from 'vitest';
import { keepJoinedClientsFast } from '../../../server/adapters/colyseusClient.ts';

/**
 * Contract of server/adapters/colyseusClient.ts with the pinned Colyseus: a client's join queue
 * behaves as Colyseus expects (queued while joining, gone once joined), and a joined client keeps
 * V8's fast properties. (Messages queued before a join reaching the client once after it:
 * test/security/chat.test.ts, the chat history; reconnection, which reads the queue: the lifecycle tests.)
 */

const PROBE = fileURLToPath(new URL('./joinedClientProbe.ts', import.meta.url));
const PROBE_TIMEOUT_MS = 30_000;

interface ProbeResult { fastProperties: boolean; queueGone: boolean; ownQueue: boolean }

function runProbe(): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', PROBE], { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').reverse().find((l) => l.startsWith('{'));
      if (code !== 0 || line === undefined) reject(new Error(`probe exited ${code}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(line) as ProbeResult);
    });
  });
}

function fakeSocket(): { sent: unknown[]; send(data: unknown): void } {
  return { sent: [], send(data) { this.sent.push(data); } };
}

describe('the Colyseus client adapter', () => {
  keepJoinedClientsFast();

  it('queues what is sent to a client still joining, and drops the queue once the join\'s handler has run', async () => {
    const socket = fakeSocket();
    const client = new WebSocketClient('s1', socket as never) as unknown as Client & ClientPrivate & { _enqueuedMessages?: unknown[] };
    expect(client._enqueuedMessages).toEqual([]);
    enqueueClientRaw(client, new Uint8Array([1]));
    expect(client._enqueuedMessages).toHaveLength(1);
    expect(socket.sent).toHaveLength(0);

    // What Room._onMessage does on JOIN_ROOM: joined, the queue flushed, then deleted.
    client.state = ClientState.JOINED;
    const queue = client._enqueuedMessages!;
    queue.forEach((bytes) => client.raw(bytes as Uint8Array));
    const keys = Object.keys(client);
    delete client._enqueuedMessages;
    expect(Object.keys(client)).toEqual(keys);
    expect(socket.sent).toHaveLength(1);
    await Promise.resolve();
    expect(client._enqueuedMessages).toBeUndefined();
    enqueueClientRaw(client, new Uint8Array([2]));
    expect(socket.sent).toHaveLength(2);
  });

  it('leaves a joined client with V8\'s fast properties, its queue gone (a real server and client, in a child process)', async () => {
    const result = await runProbe();
    expect(result).toEqual({ fastProperties: true, queueGone: true, ownQueue: false });
  }, PROBE_TIMEOUT_MS + 5000);
});
