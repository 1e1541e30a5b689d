import { describe, expect, it } from 'vitest';
import { ClientState, type Client } from '@colyseus/core';
import { DEFAULT_PATCH_INTERVAL_MS, NET_REPORT_INTERVAL_MS } from '../../../shared/limits.ts';
import type { NetReport } from '../../../shared/messages.ts';
import { RoomNetcode } from '../../../server/netcode/roomNetcode.ts';

describe('netcode reports', () => {
  it('each client hears every NET_REPORT_INTERVAL_MS, and the clients take turns: no patch carries them all', () => {
    const every = Math.round(NET_REPORT_INTERVAL_MS / DEFAULT_PATCH_INTERVAL_MS);
    expect(every).toBeGreaterThan(1);
    let now = 0;
    const net = new RoomNetcode(() => now);
    const heard = new Map<string, number[]>();
    const clients = Array.from({ length: 4 * every }, (_, i) => {
      const sessionId = `c${i}`;
      net.join(sessionId);
      heard.set(sessionId, []);
      return { sessionId, state: ClientState.JOINED, send: (type: string, report: NetReport) => { if (type === 'net') heard.get(sessionId)!.push(report[0]); } } as unknown as Client;
    });
    const perPatch: number[] = [];
    for (let patch = 0; patch < 10 * every; patch++) {
      const before = [...heard.values()].reduce((n, r) => n + r.length, 0);
      net.afterPatch(clients);
      perPatch.push([...heard.values()].reduce((n, r) => n + r.length, 0) - before);
      now += DEFAULT_PATCH_INTERVAL_MS;
    }
    // Every patch carries the same share.
    expect(new Set(perPatch)).toEqual(new Set([clients.length / every]));
    for (const ids of heard.values()) {
      expect(ids).toHaveLength(10);
      // A report's id names the ping it carries; consecutive ones for a client are a cycle apart.
      for (let i = 1; i < ids.length; i++) expect(ids[i]! - ids[i - 1]!).toBe(every);
    }
  });

  it('measures the round trip from the echo of the ping each report carries', () => {
    let now = 1000;
    const net = new RoomNetcode(() => now);
    const ids: number[] = [];
    net.join('a');
    const client = { sessionId: 'a', state: ClientState.JOINED, send: (_t: string, r: NetReport) => ids.push(r[0]) } as unknown as Client;
    net.afterPatch([client]);
    now += 80;
    net.onPong('a', [ids[0]!, 100]);
    expect(net.rttMs('a')).toBe(80);
  });

  it('pings no client still joining (messages to it wait for its join), so its first round trip is not the join\'s', () => {
    let now = 1000;
    const every = Math.round(NET_REPORT_INTERVAL_MS / DEFAULT_PATCH_INTERVAL_MS);
    const net = new RoomNetcode(() => now);
    const ids: number[] = [];
    net.join('a');
    const client = { sessionId: 'a', state: ClientState.JOINING, send: (_t: string, r: NetReport) => ids.push(r[0]) } as unknown as Client;
    for (let patch = 0; patch < 2 * every; patch++) net.afterPatch([client]);
    expect(ids).toEqual([]);
    (client as { state: ClientState }).state = ClientState.JOINED;
    for (let patch = 0; patch < every && ids.length === 0; patch++) net.afterPatch([client]);
    expect(ids).toHaveLength(1);
    now += 80;
    net.onPong('a', [ids[0]!, 100]);
    expect(net.rttMs('a')).toBe(80);
  });
});
