import WebSocket from 'ws';
import { lightLink } from '../../tools/bots/lightLink.ts';
import type { BotLink, JoinPlan, LinkFactory, LinkMeters, LinkTarget, TrafficCounters } from '../../tools/bots/types.ts';

/**
 * Bots for the JSON baseline (bench/servers/jsonBaseline.ts): its own tiny protocol over `ws`,
 * the same input stream as the other bots, and light: state frames are recognised by their
 * first bytes and counted, never parsed.
 */

const STATE_PREFIX = Buffer.from('{"t":"state"');
const PONG_PREFIX = Buffer.from('{"t":"pong"');
const JOIN_TIMEOUT_MS = 10_000;

function wsUrl(base: string, room: string, name: string): string {
  const url = new URL(base.replace(/^http/, 'ws'));
  url.searchParams.set('room', room);
  url.searchParams.set('name', name);
  return url.toString();
}

async function join(target: LinkTarget, plan: JoinPlan, meters: LinkMeters): Promise<BotLink> {
  const route = plan.route;
  const room = route.via === 'create' ? 'new' : route.via === 'code' ? route.code : '';
  const ws = new WebSocket(wsUrl(target.url, room, plan.name), { perMessageDeflate: false, skipUTF8Validation: true });
  const traffic: TrafficCounters = { bytesIn: 0, bytesOut: 0, framesIn: 0, framesOut: 0, patches: 0, patchBytes: 0 };
  let lastPatchAt = -1;
  let pingSentAt = -1;
  let pingMs: number | undefined;
  let seq = 0;
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  const send = (text: string) => {
    traffic.bytesOut += Buffer.byteLength(text);
    traffic.framesOut++;
    ws.send(text);
  };

  const code = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { ws.terminate(); reject(new Error('join timed out')); }, JOIN_TIMEOUT_MS);
    ws.once('error', (err) => { clearTimeout(timer); reject(err); });
    ws.once('close', (c) => { clearTimeout(timer); reject(new Error(`closed before welcome (${c})`)); });
    ws.on('message', (data: Buffer) => {
      traffic.bytesIn += data.length;
      traffic.framesIn++;
      if (data.subarray(0, STATE_PREFIX.length).equals(STATE_PREFIX)) {
        traffic.patches++;
        traffic.patchBytes += data.length;
        const now = performance.now();
        if (lastPatchAt >= 0) meters.patchGaps.record(now - lastPatchAt);
        lastPatchAt = now;
      } else if (data.subarray(0, PONG_PREFIX.length).equals(PONG_PREFIX)) {
        if (pingSentAt >= 0) pingMs = performance.now() - pingSentAt;
        pingSentAt = -1;
      } else if (traffic.framesIn === 1) {
        // The welcome is the only message parsed: it carries the room code.
        clearTimeout(timer);
        resolve((JSON.parse(String(data)) as { room: string }).room);
      }
    });
  });

  return lightLink({
    code,
    closed,
    send(input) { send(JSON.stringify({ t: 'input', seq: ++seq, ...input })); },
    ping() {
      if (ws.readyState !== WebSocket.OPEN) return;
      pingSentAt = performance.now();
      send('{"t":"ping"}');
    },
    traffic: () => traffic,
    pingMs: () => pingMs,
    inputsSent: () => seq,
    inputsAcked: () => 0,
    patchIntervalMs: () => undefined,
    async leave() {
      if (ws.readyState !== WebSocket.OPEN) return;
      ws.close(1000);
      await closed;
    },
  }, plan);
}

export function createLinkFactory(target: LinkTarget): LinkFactory {
  return { join: (plan, meters) => join(target, plan, meters) };
}
