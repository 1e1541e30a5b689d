import { schema, t } from '@colyseus/schema';

/**
 * Wire shape of one input on Colyseus' input channel (flat schema, delta-encoded by the SDK:
 * an unchanged field costs nothing). The SDK learns it from the join handshake, so the client
 * never declares it. Mirrors `PlayerInput` in shared/input.ts.
 */
export const InputMessage = schema({
  seq: t.uint32(),
  moveX: t.int8(),
  moveY: t.int8(),
  aim: t.uint16(),
  fire: t.boolean(),
  /** Tick the shooter was viewing, modulo 256; read only on firing inputs (lag compensation). */
  viewTick: t.uint8(),
}, 'PlayerInput');
