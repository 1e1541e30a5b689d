import { lightLink } from '../../tools/bots/lightLink.ts';
import { InputFrames } from '../../tools/bots/rawArena.ts';
import { clientFrame, RawWebSocket } from '../../tools/bots/rawWebSocket.ts';
import type { BotLink, JoinPlan, LinkFactory, LinkMeters, LinkTarget, TrafficCounters } from '../../tools/bots/types.ts';

/**
 * Bots for `ws-floor` (bench/servers/wsFloor.ts): the same raw WebSocket and the same input
 * frames as the arena's light bots (rawArena.ts), so the floor and this server see identical
 * client traffic.
 */

const JOIN_ROOM = 10;
const ROOM_STATE_PATCH = 15;
const PING = 18;
const CODE_MASK = 0x1f;
const PING_FRAME = clientFrame(Uint8Array.of(PING));

async function join(target: LinkTarget, plan: JoinPlan, meters: LinkMeters): Promise<BotLink> {
  const route = plan.route;
  const url = new URL(target.url.replace(/^http/, 'ws'));
  url.searchParams.set('room', route.via === 'create' ? 'new' : route.via === 'code' ? route.code : '');
  const ws = await RawWebSocket.connect(url.toString());
  const traffic: TrafficCounters = { bytesIn: 0, bytesOut: 0, framesIn: 0, framesOut: 0, patches: 0, patchBytes: 0 };
  const inputs = new InputFrames();
  let sent = 0;
  let lastPatchAt = -1;
  let pingSentAt = -1;
  let pingMs: number | undefined;
  let onClosed!: (code: number) => void;
  const closed = new Promise<number>((resolve) => { onClosed = resolve; });
  const code = await new Promise<string>((resolve, reject) => {
    void closed.then((c) => reject(new Error(`closed before the greeting (${c})`)));
    ws.start({
      onClose: onClosed,
      onMessage(payload) {
        traffic.bytesIn += payload.length;
        traffic.framesIn++;
        const kind = payload[0]! & CODE_MASK;
        if (kind === ROOM_STATE_PATCH) {
          traffic.patches++;
          traffic.patchBytes += payload.length;
          const now = performance.now();
          if (lastPatchAt >= 0) meters.patchGaps.record(now - lastPatchAt);
          lastPatchAt = now;
        } else if (kind === PING) {
          if (pingSentAt >= 0) pingMs = performance.now() - pingSentAt;
          pingSentAt = -1;
        } else if (kind === JOIN_ROOM) {
          resolve(payload.subarray(1).toString('latin1'));
        }
      },
    });
  });
  return lightLink({
    code,
    closed,
    send(sample) {
      const { frame, payloadBytes } = inputs.frame(++sent, sample);
      ws.sendFrame(frame, payloadBytes);
      traffic.bytesOut += payloadBytes;
      traffic.framesOut++;
    },
    ping() {
      if (!ws.isOpen) return;
      pingSentAt = performance.now();
      ws.sendFrame(PING_FRAME, 1);
      traffic.bytesOut++;
      traffic.framesOut++;
    },
    traffic: () => traffic,
    pingMs: () => pingMs,
    inputsSent: () => sent,
    inputsAcked: () => 0,
    patchIntervalMs: () => undefined,
    async leave() {
      ws.close(1000);
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
      ws.terminate();
    },
  }, plan);
}

export function createLinkFactory(target: LinkTarget): LinkFactory {
  return { join: (plan, meters) => join(target, plan, meters) };
}
