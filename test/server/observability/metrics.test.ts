import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TICK_HZ } from '../../../shared/limits.ts';
import { closed, createArena, joinArenaById, leaveAll, type ArenaRoom } from '../../helpers/clients.ts';
import { metricValue, parsePrometheus, scrape } from '../../helpers/metrics.ts';
import { startTestServer } from '../../helpers/server.ts';
import { sleep, waitFor } from '../../helpers/wait.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

async function sendInputs(room: ArenaRoom, count: number): Promise<void> {
  const input = room.input();
  for (let i = 0; i < count; i++) {
    Object.assign(input.data as object, { seq: input.sentCount + 1, moveX: 1 });
    input.send();
    await sleep(1000 / TICK_HZ);
  }
}

describe('GET /metrics over real connections', () => {
  it('counts clients, rooms, joins, leaves, messages by type, bytes and tick timings', async () => {
    const before = await scrape(server.endpoint);
    const a = await createArena(server.endpoint, { name: 'alpha', private: true });
    const b = await joinArenaById(server.endpoint, a.roomId, { name: 'bravo' });
    await sendInputs(a, 15);
    a.send('chat', { text: 'hello' });
    a.send('not-a-type', {});
    await sleep(300);

    const during = await scrape(server.endpoint);
    expect(metricValue(during, 'game_connected_clients')).toBe(2);
    expect(metricValue(during, 'game_rooms')).toBe(1);
    expect(metricValue(during, 'game_joins_total') - metricValue(before, 'game_joins_total')).toBe(2);
    expect(metricValue(during, 'game_messages_in_total', { type: 'input' })).toBeGreaterThanOrEqual(15);
    expect(metricValue(during, 'game_messages_in_total', { type: 'chat' })).toBe(1);
    // An unknown type is refused at the connection guard (a violation), before messages are
    // counted, and a client-chosen type never becomes a label value.
    expect(metricValue(during, 'game_messages_in_total', { type: 'unknown_message' })).toBe(0);
    expect(during.some((s) => s.labels.type === 'not-a-type')).toBe(false);
    expect(metricValue(during, 'game_violations_total', { kind: 'unknown_message' })).toBe(1);
    expect(metricValue(during, 'game_bytes_out_total')).toBeGreaterThan(metricValue(before, 'game_bytes_out_total') + 500);
    expect(metricValue(during, 'game_bytes_in_total')).toBeGreaterThan(metricValue(before, 'game_bytes_in_total'));
    for (const phase of ['simulation', 'encode', 'send']) {
      expect(metricValue(during, 'game_tick_duration_seconds_count', { phase }), phase).toBeGreaterThan(5);
      expect(metricValue(during, 'game_tick_duration_seconds_bucket', { phase, le: '+Inf' }), phase).toBeGreaterThan(5);
    }
    expect(metricValue(during, 'game_tick_lateness_seconds_count')).toBeGreaterThan(5);
    expect(during.find((s) => s.name === 'nodejs_eventloop_lag_p99_seconds')).toBeDefined();
    expect(metricValue(during, 'process_resident_memory_bytes')).toBeGreaterThan(1e6);
    expect(metricValue(during, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(1e6);

    const gone = closed(b);
    await b.leave(true);
    await gone;
    await waitFor('leave counted', async () => metricValue(await scrape(server.endpoint), 'game_leaves_total', { reason: 'consented' }) >= 1);
    await leaveAll([a]);
    await waitFor('no clients', async () => metricValue(await scrape(server.endpoint), 'game_connected_clients') === 0);
  });

  it('answers in the Prometheus text format, uncached', async () => {
    const res = await fetch(`${server.endpoint}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    expect(text).toContain('# TYPE game_tick_duration_seconds histogram');
    expect(parsePrometheus(text).length).toBeGreaterThan(20);
  });

  it('has no dashboard unless a token is configured', async () => {
    for (const path of ['/dashboard', '/dashboard/events', '/dashboard/app.js']) {
      expect((await fetch(`${server.endpoint}${path}`)).status, path).toBe(404);
    }
    expect((await fetch(`${server.endpoint}/dashboard/login`, { method: 'POST', body: 'token=x' })).status).toBe(404);
  });
});
