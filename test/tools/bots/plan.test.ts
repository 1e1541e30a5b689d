import { describe, expect, it } from 'vitest';
import { autoWorkers, planShards, RUN_DEFAULTS, type RunOptions } from '../../../tools/bots/coordinator.ts';
import { joinFailureReason, JoinTimeoutError, NoRoomError } from '../../../tools/bots/failures.ts';
import { parseCli, parseFull, UsageError } from '../../../tools/bots/options.ts';
import { LogHistogram } from '../../../tools/bots/stats/histogram.ts';

const base: RunOptions = { ...RUN_DEFAULTS, url: 'ws://127.0.0.1:1', full: 0, workers: 1 };

describe('bot run planning', () => {
  it('puts exactly perRoom bots in each room, spreads full bots over rooms, and ramps round-robin', () => {
    const spec = planShards({ ...base, rooms: 4, perRoom: 5, full: 8, rampS: 10 })[0]!;
    const byRoom = new Map<number, typeof spec.bots>();
    for (const b of spec.bots) byRoom.set(b.roomIndex, [...(byRoom.get(b.roomIndex) ?? []), b]);
    expect([...byRoom.values()].map((bots) => bots.length)).toEqual([5, 5, 5, 5]);
    expect([...byRoom.values()].map((bots) => bots.filter((b) => b.kind === 'full').length)).toEqual([2, 2, 2, 2]);
    // The first joins open every room before any room gets its second player.
    const firstFour = [...spec.bots].sort((a, b) => a.joinAtMs - b.joinAtMs).slice(0, 4);
    expect(new Set(firstFour.map((b) => b.roomIndex)).size).toBe(4);
    expect(Math.max(...spec.bots.map((b) => b.joinAtMs))).toBeLessThan(10_000);
  });

  it('keeps whole rooms in one worker and honours a total below rooms × perRoom', () => {
    const specs = planShards({ ...base, rooms: 7, perRoom: 16, total: 100, workers: 2 });
    expect(specs).toHaveLength(2);
    expect(specs.reduce((n, s) => n + s.bots.length, 0)).toBe(100);
    const roomsOf = specs.map((s) => new Set(s.bots.map((b) => b.roomIndex)));
    for (const room of roomsOf[0]!) expect(roomsOf[1]!.has(room)).toBe(false);
  });

  it('picks workers from the load: full bots are ten times a light one', () => {
    expect(autoWorkers(10, 100, 8)).toBe(1);
    expect(autoWorkers(400, 0, 8)).toBe(3);
    expect(autoWorkers(0, 1400, 8)).toBe(1);
    expect(autoWorkers(1000, 0, 2)).toBe(2);
  });
});

describe('bots CLI options', () => {
  it('has the documented defaults', () => {
    const o = parseCli([]);
    expect(o.run).toMatchObject({ url: 'ws://127.0.0.1:2567', room: 'arena', rooms: 10, perRoom: 16, durationS: 60, rampS: 0, behaviour: 'wander', full: 160, workers: 'auto' });
    expect(o.jsonPath).toBeUndefined();
  });

  it('parses the issue example and the mix flag', () => {
    const o = parseCli(['--url', 'ws://10.0.0.5:2567', '--rooms', '10', '--per-room', '16', '--duration', '60', '--json', 'report.json',
      '--room', 'arena', '--behaviour', 'idle-mix', '--ramp', '15', '--full', '10%', '--workers', '3']);
    expect(o.run).toMatchObject({ url: 'ws://10.0.0.5:2567', rooms: 10, perRoom: 16, durationS: 60, rampS: 15, behaviour: 'idle-mix', full: 16, workers: 3 });
    expect(o.jsonPath).toBe('report.json');
    expect(parseFull('25', 100)).toBe(25);
    expect(parseFull('0%', 100)).toBe(0);
  });

  it('refuses unknown flags and bad values', () => {
    expect(() => parseCli(['--romos', '3'])).toThrow(UsageError);
    expect(() => parseCli(['--behaviour', 'dance'])).toThrow(/behaviour/);
    expect(() => parseCli(['--per-room', '201'])).toThrow(/per-room/);
    expect(() => parseCli(['--ramp', '90', '--duration', '60'])).toThrow(/ramp/);
    expect(() => parseCli(['--full', '120%'])).toThrow(/full/);
    expect(() => parseCli(['--url', 'localhost:2567'])).toThrow(/url/);
  });

  it('fills a room type with its own size to that size, and refuses more', () => {
    expect(parseCli(['--room', 'ball']).run.perRoom).toBe(4);
    expect(parseCli(['--room', 'ball', '--per-room', '2']).run.perRoom).toBe(2);
    expect(() => parseCli(['--room', 'ball', '--per-room', '5'])).toThrow(/per-room must be an integer from 1 to 4/);
    // Room types sized by the server's setting keep the default.
    expect(parseCli(['--room', 'arena']).run.perRoom).toBe(parseCli([]).run.perRoom);
  });
});

describe('join failure reasons', () => {
  it('labels the ways a join fails', () => {
    expect(joinFailureReason(new JoinTimeoutError(10))).toBe('timeout');
    expect(joinFailureReason(new NoRoomError(3))).toBe('no_room');
    expect(joinFailureReason(Object.assign(new Error('name: name is empty'), { code: 400 }))).toBe('invalid_options');
    expect(joinFailureReason(Object.assign(new Error('No open room with that code'), { code: 404 }))).toBe('room_unavailable');
    expect(joinFailureReason(Object.assign(new Error('not_found'), { code: 404 }))).toBe('unknown_room_type');
    expect(joinFailureReason(Object.assign(new Error('slow down'), { code: 429 }))).toBe('rate_limited');
    expect(joinFailureReason(new Error('Cannot reach the game server.'))).toBe('unreachable');
    expect(joinFailureReason(new Error('something new'))).toBe('other');
  });
});

describe('LogHistogram', () => {
  it('gives percentiles within its bucket width and merges', () => {
    const a = new LogHistogram();
    const b = new LogHistogram();
    for (let i = 1; i <= 1000; i++) (i % 2 ? a : b).record(i / 10);
    const all = LogHistogram.from(a.toJSON()).merge(b);
    expect(all.count).toBe(1000);
    expect(all.percentile(50)).toBeGreaterThan(50 * 0.97);
    expect(all.percentile(50)).toBeLessThan(50 * 1.03);
    expect(all.percentile(99)).toBeGreaterThan(99 * 0.97);
    expect(all.percentile(100)).toBe(100);
    expect(all.mean()).toBeCloseTo(50.05, 5);
    expect(new LogHistogram().percentile(99)).toBe(0);
  });
});
