import type { Room } from '@colyseus/sdk';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { PITCH } from '../../shared/games/ball/rules.ts';
import { sdkClient } from '../../tools/harness/joins.ts';
import { ARTIFACTS, gameInBrowser } from '../helpers/game.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * The ball game's browser client (game-client/scenes/BallScene.ts on net/replicaSession.ts) in real
 * Chromium against the server started as `npm start` starts it. The page is read through the
 * debug build's `window.__arena.ball` hook; the server's state through a second player, a plain
 * SDK client in the same room.
 */
const game = gameInBrowser();
let keeper: Room<any, any> | undefined;
let peer: Room<any, any> | undefined;

afterAll(async () => {
  await Promise.all([keeper, peer].map((room) => room?.leave(true).catch(() => undefined)));
});

/** Browser pages take longer than in-process clients. */
const SLOW = { timeoutMs: 10_000, intervalMs: 50 };

interface Point { x: number; y: number }
interface Probe {
  sessionId: string;
  code: string;
  self: Point | null;
  ball: Point | null;
  predicted: { tick: number; self: Point | null; ball: Point } | null;
  drawn: Array<{ id: string; name: string; team: number; x: number; y: number }>;
  score: string;
}

/** What the page shows and predicts now (null before the ball scene is up). */
function probe(page: Page): Promise<Probe | null> {
  return page.evaluate(() => {
    const b = (window as unknown as { __arena?: { ball?: Record<string, (...args: unknown[]) => unknown> & { sessionId: string; code: string } } }).__arena?.ball;
    if (!b) return null;
    return {
      sessionId: b.sessionId,
      code: b.code,
      self: b.self!() as Point | null,
      ball: b.ball!() as Point | null,
      predicted: b.predicted!() as Probe['predicted'],
      drawn: b.drawnPlayers!() as Probe['drawn'],
      score: b.score!() as string,
    };
  });
}

const distance = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

describe('the ball game in real Chromium', () => {
  it('joins from the lobby, moves on screen and on the server, pushes the ball (predicted first), sees the other team, takes a friend by code, and Esc returns to the lobby', async () => {
    const page = await game.lobbyPage('Striker');
    await page.click('#quick-ball');
    const first = await waitFor('the ball scene with our player', async () => { const p = await probe(page); return p?.self && p.ball ? p : null; }, SLOW);
    expect(await page.evaluate(() => getComputedStyle(document.getElementById('game')!).visibility)).toBe('visible');
    expect(first.score.replace(/\s+/g, ' ')).toBe('Blue 0 – 0 Orange');
    // At kickoff the ball lies in the middle.
    expect(first.ball).toEqual({ x: PITCH.widthPx / 2, y: PITCH.heightPx / 2 });

    // A second player, a plain SDK client: it joins the other team and reads the server's state.
    keeper = await sdkClient(game.server.url.replace(/\/$/, '')).joinById<any>(first.code, { name: 'Keeper' });
    keeper.onMessage('*', () => undefined);
    const k = keeper;
    const onServer = (id: string) => k.state?.players?.get(id) as { team: number; x: number; y: number } | undefined;
    await waitFor('both players in the server state', () => onServer(first.sessionId) !== undefined && onServer(k.sessionId) !== undefined, SLOW);
    expect(onServer(first.sessionId)!.team).toBe(0);
    expect(onServer(k.sessionId)!.team).toBe(1);
    const seen = await waitFor('the page draws the keeper, on the other team', async () => (await probe(page))?.drawn.find((p) => p.id === k.sessionId), SLOW);
    expect(seen).toMatchObject({ name: 'Keeper', team: 1 });

    // Holding D moves our player right: on screen, and on the server.
    const start = { ...onServer(first.sessionId)! };
    const drawnStart = first.self!;
    await page.keyboard.down('KeyD');
    await waitFor('our player moves right on screen', async () => { const p = await probe(page); return p?.self && p.self.x - drawnStart.x > 100; }, SLOW);
    await waitFor('our player moves right on the server', () => onServer(first.sessionId)!.x - start.x > 100, SLOW);
    await page.keyboard.up('KeyD');

    // Run at the ball, kicking. The keeper stands still on the far side: the first move of the
    // ball is ours, so the prediction must show it no later than the server's state does.
    const ballAtRest = { ...(k.state.balls.get('ball') as Point) };
    await page.evaluate(([x, y]) => {
      const b = (window as unknown as { __arena: { ball: { predicted(): { ball: Point }; server(): { ball: Point } } } }).__arena.ball;
      const t0 = performance.now();
      const moved = (p: Point) => Math.hypot(p.x - x!, p.y - y!) > 1;
      const record: { predictedAt?: number; serverAt?: number } = {};
      (window as unknown as { __ballMoves: typeof record }).__ballMoves = record;
      const watch = () => {
        const now = performance.now();
        if (record.predictedAt === undefined && moved(b.predicted().ball)) record.predictedAt = now;
        if (record.serverAt === undefined && moved(b.server().ball)) record.serverAt = now;
        if ((record.predictedAt === undefined || record.serverAt === undefined) && now - t0 < 20_000) requestAnimationFrame(watch);
      };
      requestAnimationFrame(watch);
    }, [ballAtRest.x, ballAtRest.y]);
    await page.keyboard.down('Space');
    const held = new Set<string>();
    const hold = async (key: string, on: boolean) => {
      if (on === held.has(key)) return;
      if (on) { held.add(key); await page.keyboard.down(key); } else { held.delete(key); await page.keyboard.up(key); }
    };
    const serverBall = () => k.state.balls.get('ball') as Point;
    const deadline = Date.now() + 15_000;
    for (let i = 0; i < 600 && Date.now() < deadline && distance(serverBall(), ballAtRest) <= 40; i++) {
      const p = await probe(page);
      const me = p?.predicted?.self;
      const ball = p?.predicted?.ball;
      if (me && ball) {
        await hold('KeyD', ball.x - me.x > 4);
        await hold('KeyA', ball.x - me.x < -4);
        await hold('KeyS', ball.y - me.y > 4);
        await hold('KeyW', ball.y - me.y < -4);
      }
      await new Promise((r) => setTimeout(r, 30));
    }
    for (const key of [...held]) await hold(key, false);
    await page.keyboard.up('Space');
    expect(distance(serverBall(), ballAtRest), `the server's ball never moved: ours at ${JSON.stringify((await probe(page))?.predicted)}`).toBeGreaterThan(40);
    const moves = await waitFor('the page saw the ball move in its prediction and in the server state', () => page.evaluate(() => {
      const r = (window as unknown as { __ballMoves: { predictedAt?: number; serverAt?: number } }).__ballMoves;
      return r.predictedAt !== undefined && r.serverAt !== undefined ? r : null;
    }), SLOW);
    expect(moves.predictedAt).toBeLessThanOrEqual(moves.serverAt!);
    // The ball as drawn has moved too (corrections ease out rather than jump).
    await waitFor('the drawn ball moved', async () => { const p = await probe(page); return p?.ball && distance(p.ball, ballAtRest) > 40; }, SLOW);
    await page.screenshot({ path: `${ARTIFACTS}/ball-1280x800.png` });

    // A friend given the room's code joins it by that code: the ball game, not the arena.
    const friend = await game.lobbyPage('Friend');
    await friend.fill('#code', first.code);
    await friend.click('#join-code');
    const joined = await waitFor('the friend in the ball scene', async () => { const p = await probe(friend); return p?.self ? p : null; }, SLOW);
    expect(joined.code).toBe(first.code);
    await waitFor('three players in the server state', () => k.state.players.size === 3, SLOW);
    await friend.close();
    await waitFor('the friend gone when the page closes', () => k.state.players.size === 2, SLOW);

    // Esc leaves: back in the lobby, and the server has one player left.
    await page.keyboard.press('Escape');
    await page.waitForSelector('#quick-ball', { timeout: 10_000 });
    await waitFor('our player gone from the server state', () => k.state.players.size === 1, SLOW);
    expect(await page.inputValue('#name')).toBe('Striker');
    expect(game.errors).toEqual([]);
  }, 60_000);

  it('chats both ways and opens the settings dialog; while either is open the game keys steer nothing, and Esc closes them before it leaves; N shows the net graph of this session', async () => {
    const page = await game.lobbyPage('Talker');
    await page.click('#quick-ball');
    const me = await waitFor('the ball scene with our player', async () => { const p = await probe(page); return p?.self ? p : null; }, SLOW);
    peer = await sdkClient(game.server.url.replace(/\/$/, '')).joinById<any>(me.code, { name: 'Peer' });
    const heard: Array<{ name: string; text: string }> = [];
    peer.onMessage('chat', (m: { name: string; text: string }) => heard.push(m));
    peer.onMessage('*', () => undefined);
    const other = peer;
    const serverX = () => (other.state?.players?.get(me.sessionId) as { x: number } | undefined)?.x;
    await waitFor('our player in the peer\'s state', () => serverX() !== undefined, SLOW);

    // A line from the room shows in the box, as text (markup stays text).
    const chatText = () => page.evaluate(() => {
      const box = document.querySelector<HTMLElement>('#ball-hud .hud-box.hud-chat');
      return box === null || box.hidden ? null : box.querySelector('.hud-lines')?.textContent ?? '';
    });
    expect(await chatText()).toBeNull();
    other.send('chat', { text: 'kick <b>off</b>' });
    expect(await waitFor('the line shown', async () => { const t = await chatText(); return t?.includes('kick') ? t : null; }, SLOW)).toBe('Peer: kick <b>off</b>');

    // The chat button opens the field: typing (D moves right in play) steers nothing, Enter sends.
    const x0 = serverX()!;
    await page.click('#ball-hud button.hud-chat');
    await page.keyboard.type('ddd nice');
    await page.keyboard.press('Enter');
    expect(await waitFor('the peer hears us', () => heard.find((m) => m.name === 'Talker'), SLOW)).toMatchObject({ fromId: me.sessionId, name: 'Talker', text: 'ddd nice' });
    expect(serverX()).toBe(x0);

    // The settings button opens the dialog; keys held meanwhile steer nothing; Esc closes it and
    // only it (still in the match), and the keys steer again.
    await page.click('#ball-hud button.hud-settings');
    await page.waitForSelector('#settings', { timeout: 5000 });
    await page.keyboard.down('KeyD');
    await new Promise((r) => setTimeout(r, 500));
    await page.keyboard.up('KeyD');
    expect(serverX()).toBe(x0);
    await page.keyboard.press('Escape');
    await page.waitForSelector('#settings', { state: 'detached', timeout: 5000 });
    expect((await probe(page))?.sessionId).toBe(me.sessionId);
    await page.keyboard.down('KeyD');
    await waitFor('our player moves right again', () => serverX()! - x0 > 30, SLOW);
    await page.keyboard.up('KeyD');

    // N toggles the net graph: this session's round trip, input clock and bandwidth, drawn in its corner.
    type Graph = { visible: boolean; lines: string[] };
    const graph = () => page.evaluate(() => (window as unknown as { __arena: { ball: { netGraph(): Graph } } }).__arena.ball.netGraph());
    const stats = () => page.evaluate(() => (window as unknown as { __arena: { ball: { stats(): { rttMs: number; inputLatencyMs: number; kbpsDown: number } } } }).__arena.ball.stats());
    expect((await graph()).visible).toBe(false);
    await page.keyboard.press('n');
    const shown = await waitFor('net graph on', async () => { const g = await graph(); return g.visible ? g : null; }, SLOW);
    const text = shown.lines.join('\n');
    expect(text).toMatch(/RTT \d+ ms ± \d+ ms/);
    expect(text).toMatch(/input→ack \d+ ms/);
    expect(text).toMatch(/down \d+\.\d kbps/);
    const s = await stats();
    expect(s.rttMs).toBeGreaterThan(0);
    expect(s.inputLatencyMs).toBeGreaterThan(0);
    expect(s.kbpsDown).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.querySelector<HTMLCanvasElement>('#ball-netgraph canvas')?.width ?? 0)).toBeGreaterThan(0);
    await page.screenshot({ path: `${ARTIFACTS}/ball-net-graph.png` });
    await page.keyboard.press('n');
    await waitFor('net graph off', async () => !(await graph()).visible, SLOW);

    // Esc leaves.
    await page.keyboard.press('Escape');
    await page.waitForSelector('#quick-ball', { timeout: 10_000 });
    expect(game.errors).toEqual([]);
  }, 60_000);
});
