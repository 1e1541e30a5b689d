import { describe, expect, it } from 'vitest';
import { TICK_HZ } from '../../../shared/limits.ts';
import { ARENA_MAP } from '../../../shared/maps.ts';
import { addPlayer, createWorld, removePlayer } from '../../../shared/sim/world.ts';
import { MatchLedger, type MatchSink } from '../../../server/lifecycle/matchLedger.ts';
import type { MatchRecord } from '../../../server/store/matches/records.ts';

function sink() {
  const out = { checkpoints: [] as MatchRecord[], finals: [] as Array<{ record: MatchRecord; reason: string }> };
  const s: MatchSink = { instance: 'test:1', checkpoint: (r) => out.checkpoints.push(r), finish: (record, reason) => out.finals.push({ record, reason }) };
  return { s, out };
}

/** What a room remembers of its match: one line per profile (its seats add up), players who left included, placings with ties. */
describe('MatchLedger', () => {
  it('adds up a profile\'s seats, keeps those who left, places by kills then deaths with ties, and finishes once', () => {
    const { s, out } = sink();
    const ledger = new MatchLedger(s, { game: 'arena', roomKind: 'arena', mapId: ARENA_MAP.id });
    const world = createWorld(ARENA_MAP, 1);
    const P = 'p'.repeat(22);
    const Q = 'q'.repeat(22);
    for (const [session, profile, name] of [['s1', P, 'pat'], ['s2', P, 'pat'], ['s3', Q, 'quin'], ['s4', null, 'anon']] as const) {
      addPlayer(world, session, name);
      ledger.join(session, profile, name, world.tick);
    }
    world.players.get('s1')!.kills = 2;
    world.players.get('s2')!.kills = 1;
    world.players.get('s3')!.kills = 3;
    world.players.get('s4')!.kills = 3;
    world.players.get('s4')!.deaths = 1;
    world.tick = 10 * TICK_HZ;
    // s3 leaves halfway: its score stays.
    ledger.leave('s3', world.players.get('s3'), world.tick);
    removePlayer(world, 's3');
    ledger.checkpoint(world);
    expect(out.checkpoints).toHaveLength(1);
    world.tick = 20 * TICK_HZ;
    const record = ledger.finish(world, 'time')!;
    expect(ledger.finish(world, 'time')).toBeUndefined();
    expect(out.finals).toHaveLength(1);
    expect(record.lines.map((l) => [l.profileId, l.kills, l.deaths, l.placing, l.timePlayedMs])).toEqual([
      [P, 3, 0, 1, 40_000], // two seats of 20 s
      [Q, 3, 0, 1, 10_000], // left after 10 s; tied with P
      [null, 3, 1, 3, 20_000],
    ]);
    // After the end, nothing more is counted or written.
    ledger.leave('s1', world.players.get('s1'), world.tick);
    ledger.checkpoint(world);
    expect(out.checkpoints).toHaveLength(1);
  });

  it('takes the placing and team a game\'s standings give: a player who left takes the team\'s placing', () => {
    const { s, out } = sink();
    const ledger = new MatchLedger(s, { game: 'ball', roomKind: 'ball', mapId: 'pitch' });
    const [A, B, C, D] = ['a', 'b', 'c', 'd'].map((c) => c.repeat(22)) as [string, string, string, string];
    for (const [session, profile] of [['s1', A], ['s2', B], ['s3', C], ['s4', D]] as const) ledger.join(session, profile, session, 0);
    // s3 (team 1) leaves mid-match having scored; at the end team 0 leads 2-1.
    ledger.leave('s3', { kills: 1, deaths: 0, team: 1, placing: 1 }, 100);
    const players = new Map([
      ['s1', { kills: 0, deaths: 0, team: 0, placing: 1 }],
      ['s2', { kills: 2, deaths: 0, team: 0, placing: 1 }],
      ['s4', { kills: 0, deaths: 0, team: 1, placing: 2 }],
    ]);
    const record = ledger.finish({ tick: 200, players }, 'decided')!;
    expect(out.finals).toHaveLength(1);
    expect(record.lines.map((l) => [l.profileId, l.kills, l.team, l.placing])).toEqual([
      [B, 2, 0, 1], // the winners, the scorer first
      [A, 0, 0, 1],
      [C, 1, 1, 2], // left: the team's result, not the placing it had when it left
      [D, 0, 1, 2],
    ]);
  });

  it('a room nobody played in records nothing', () => {
    const { s, out } = sink();
    const ledger = new MatchLedger(s, { game: 'arena', roomKind: 'arena', mapId: ARENA_MAP.id });
    ledger.checkpoint(createWorld(ARENA_MAP, 1));
    ledger.finish(createWorld(ARENA_MAP, 1), 'abandoned');
    expect(out).toEqual({ checkpoints: [], finals: [] });
  });
});
