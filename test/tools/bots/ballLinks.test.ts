import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BALL_ROOM } from '../../../shared/games/ball/definition.ts';
import { PITCH } from '../../../shared/games/ball/rules.ts';
import { createLinkFactory } from '../../../tools/bots/ballLinks.ts';
import { loadLinkFactory } from '../../../tools/bots/shardHost.ts';
import type { BotLink, JoinPlan } from '../../../tools/bots/types.ts';
import { joinRoomById } from '../../../tools/harness/joins.ts';
import { startTestServer } from '../../helpers/server.ts';
import { sleep } from '../../helpers/wait.ts';

/** `npm run bots -- --room ball`: the ball game's bots join its room and play (tools/bots/ballLinks.ts). */
describe('ball bots', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => { server = await startTestServer(); });
  afterAll(async () => { await server?.close(); });

  it('are the link module the bot runner picks for --room ball', async () => {
    const factory = await loadLinkFactory(undefined, { url: server.endpoint, roomName: BALL_ROOM });
    expect(factory.join.toString()).toBe(createLinkFactory({ url: server.endpoint, roomName: BALL_ROOM }).join.toString());
  });

  it('two bots fill a room, send acknowledged inputs and move the ball within ten seconds', async () => {
    const factory = createLinkFactory({ url: server.endpoint, roomName: BALL_ROOM });
    const meters = { patchGaps: { record: () => undefined } };
    const plan = (index: number, route: JoinPlan['route']): JoinPlan => ({ index, name: `bot${index}`, kind: 'full', role: 'chase', route, seed: index });
    const links: BotLink[] = [];
    try {
      links.push(await factory.join(plan(0, { via: 'create', maxPlayers: 2 }), meters));
      links.push(await factory.join(plan(1, { via: 'code', code: links[0]!.code }), meters));
      const watcher = await joinRoomById(server.endpoint, links[0]!.code, { name: 'watch', spectate: true });
      const moved = () => {
        const ball = (watcher.state as any).balls?.get('ball');
        return ball !== undefined && (ball.x !== PITCH.widthPx / 2 || ball.y !== PITCH.heightPx / 2);
      };
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && !(moved() && links.every((l) => l.snapshot().inputsAcked > 30))) {
        for (const link of links) link.update(performance.now());
        await sleep(30);
      }
      expect(moved()).toBe(true);
      for (const link of links) {
        const s = link.snapshot();
        expect(s.inputsAcked).toBeGreaterThan(30);
        expect(s.inputsSent).toBeGreaterThanOrEqual(s.inputsAcked);
        expect(s.traffic.patches).toBeGreaterThan(0);
      }
      await watcher.leave();
    } finally {
      await Promise.all(links.map((l) => l.leave()));
    }
  });
});
