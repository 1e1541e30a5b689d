import http from 'node:http';
import https from 'node:https';
import vm from 'node:vm';
import v8 from 'node:v8';
import { matchMaker } from '@colyseus/core';
import { expect } from 'vitest';
import { TICK_HZ } from '../../shared/limits.ts';
import type { RunningServer } from '../../server/app.ts';
import { counterValue, securityRejectionsTotal } from '../../server/observability/metrics.ts';
import { createArena, type ArenaRoom } from './clients.ts';
import { sleep, waitFor } from './wait.ts';

/** A player who keeps playing during an attack, to prove the attack touched nobody else. */
export interface HonestPlayer {
  room: ArenaRoom;
  /** Resolves once the player is still connected, its inputs keep being applied and patches keep coming. */
  stillPlaying(): Promise<void>;
  stop(): Promise<void>;
}

/** Open a private room as an honest player who sends one input per tick until stopped. */
export async function honestPlayer(endpoint: string, room?: ArenaRoom): Promise<HonestPlayer> {
  const r = room ?? await createArena(endpoint, { name: 'honest', private: true });
  const input = r.input();
  let step = 0;
  const timer = setInterval(() => {
    if (!r.connection.isOpen) return;
    step++;
    Object.assign(input.data as object, { seq: input.sentCount + 1, moveX: Math.floor(step / 15) % 2 === 0 ? 1 : -1, moveY: 0 });
    input.send();
  }, 1000 / TICK_HZ);
  return {
    room: r,
    async stillPlaying() {
      const ack0 = input.lastProcessed;
      const tick0 = r.state.tick;
      await waitFor('the honest player to keep playing', () => r.connection.isOpen && input.lastProcessed >= ack0 + 5 && r.state.tick >= tick0 + 5, { timeoutMs: 5000 });
    },
    async stop() {
      clearInterval(timer);
      if (r.connection.isOpen) await r.leave(true).catch(() => undefined);
    },
  };
}

/**
 * An HTTP(S) request from a chosen local address (127.0.0.2, 127.0.0.3, ... are all this machine),
 * so one test can be several clients with different addresses. The body comes as sent (`raw`:
 * not decompressed) and as text.
 */
export function httpFrom(localAddress: string, url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string; raw: Buffer; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = (url.startsWith('https:') ? https : http).request(url, { method: init.method ?? 'GET', headers: init.headers, localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, body: raw.toString('utf8'), raw, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Current value of `game_security_rejections_total{stage, reason}`. */
export function rejections(stage: string, reason: string): Promise<number> {
  return counterValue(securityRejectionsTotal, { stage, reason });
}

/** Wait until a rejection counter has grown by at least `by`. */
export async function expectRejected(stage: string, reason: string, before: number, by = 1): Promise<void> {
  await waitFor(`${stage}/${reason} rejection counted`, async () => (await rejections(stage, reason)) >= before + by, { timeoutMs: 5000 });
}

/** The server still answers HTTP. */
export async function expectHealthy(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/healthz`);
  expect(res.status).toBe(200);
}

/** The room hosting `roomId` in this process (tests run the server in-process). */
export function localRoom(roomId: string) {
  const room = matchMaker.getLocalRoomById(roomId);
  if (room === undefined) throw new Error(`room ${roomId} is not hosted here`);
  return room;
}

/** Cut a player's connection on the server side without a close frame, as a network failure would. */
export function dropConnection(roomId: string, sessionId: string): void {
  const client = localRoom(roomId).clients.getById(sessionId);
  if (client === undefined) throw new Error(`no client ${sessionId} in ${roomId}`);
  (client.ref as unknown as { terminate(): void }).terminate();
}

let collect: (() => void) | undefined;

/** Heap in use after garbage collection has settled (bytes). */
export async function settledHeapBytes(): Promise<number> {
  if (collect === undefined) {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  let heap = Infinity;
  for (let i = 0; i < 4; i++) {
    collect();
    await sleep(25);
    heap = Math.min(heap, process.memoryUsage().heapUsed);
  }
  return heap;
}

/**
 * Assert the heap came back near `baselineBytes` after an attack: within `slackBytes`, retrying
 * for a while because closing sockets release their buffers asynchronously.
 */
export async function expectHeapBackTo(baselineBytes: number, slackBytes = 8 * 1024 * 1024): Promise<void> {
  let heap = Infinity;
  for (let attempt = 0; attempt < 20; attempt++) {
    heap = await settledHeapBytes();
    if (heap <= baselineBytes + slackBytes) return;
    await sleep(100);
  }
  expect(heap).toBeLessThanOrEqual(baselineBytes + slackBytes);
}

/** What a server holds before an attack: heap, guarded WebSockets, addresses the edge tracks. */
export interface Baseline {
  heapBytes: number;
  webSockets: number;
  webSocketClients: number;
}

export async function takeBaseline(server: RunningServer): Promise<Baseline> {
  return {
    heapBytes: await settledHeapBytes(),
    webSockets: server.security.transport.guards.size,
    webSocketClients: server.security.edge.stats().webSocketClients,
  };
}

/** After the attacks: no connection left behind, no address still tracked, heap back near where it was. */
export async function expectBackToBaseline(server: RunningServer, base: Baseline, slackBytes = 16 * 1024 * 1024): Promise<void> {
  await waitFor('attack connections gone', () => server.security.transport.guards.size <= base.webSockets
    && server.security.edge.stats().webSocketClients <= base.webSocketClients, { timeoutMs: 8000 });
  await expectHeapBackTo(base.heapBytes, slackBytes);
}
