import { Client, type ClientOptions, type Room } from '@colyseus/sdk';
import type { NetSimConfig } from './netsim/config.ts';
import { DelayQueue, LinkModel } from './netsim/link.ts';
import { ByteMeter } from './netsim/meter.ts';

/** What the net layer knows about one room's connection. */
export interface RoomLink {
  meter: ByteMeter;
  /** The simulated conditions, when the network simulator is on. */
  netsim: NetSimConfig | undefined;
  /** Messages held up by a simulated retransmission, per direction. */
  lost(): { up: number; down: number };
}

const links = new WeakMap<object, RoomLink>();

/** The connection bookkeeping of a room joined through a `NetClient` (undefined otherwise). */
export function linkOf(room: Room<any, any>): RoomLink | undefined {
  return links.get(room);
}

export interface NetClientOptions {
  /** Run every room connection through the network condition simulator (dev, bots, tests). */
  netsim?: NetSimConfig;
}

type ConnectionLike = {
  send(data: Uint8Array | Buffer): void;
  isOpen: boolean;
  events: { onmessage?: (ev: any) => void; onclose?: (ev: any) => void };
};

/**
 * `@colyseus/sdk`'s Client with every room connection metered and, optionally, conditioned by
 * the network simulator. The wrapper sits between the Room and its transport from the first
 * byte (the join handshake included), so everything the game sends and receives crosses the
 * simulated path, in both directions. Matchmaking HTTP requests are not delayed.
 */
export class NetClient extends Client {
  private roomCount = 0;

  constructor(endpoint: string, private readonly netOptions: NetClientOptions = {}, clientOptions?: ClientOptions) {
    super(endpoint, clientOptions);
  }

  /** The SDK room object for a join; subclasses may return their own `Room` subclass. */
  protected newRoom<T>(roomName: string, rootSchema?: any): Room<any, T> {
    return super.createRoom<T>(roomName, rootSchema);
  }

  protected override createRoom<T>(roomName: string, rootSchema?: any): Room<any, T> {
    const room = this.newRoom<T>(roomName, rootSchema);
    const connect = room.connect.bind(room);
    const seed = (this.netOptions.netsim?.seed ?? 1) * 7919 + this.roomCount++;
    room.connect = (endpoint: string, options?: any, headers?: any) => {
      connect(endpoint, options, headers);
      links.set(room, instrument(room.connection as unknown as ConnectionLike, this.netOptions.netsim, seed));
    };
    return room;
  }
}

function byteLength(data: unknown): number {
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  return typeof data === 'string' ? data.length : 0;
}

function instrument(conn: ConnectionLike, netsim: NetSimConfig | undefined, seed: number): RoomLink {
  const meter = new ByteMeter();
  const send = conn.send.bind(conn);
  const onMessage = conn.events.onmessage;
  const onClose = conn.events.onclose;

  if (netsim === undefined) {
    conn.send = (data) => {
      meter.up(byteLength(data));
      send(data);
    };
    conn.events.onmessage = (ev) => {
      meter.down(byteLength(ev.data));
      onMessage?.(ev);
    };
    return { meter, netsim, lost: () => ({ up: 0, down: 0 }) };
  }

  const upLink = new LinkModel(netsim.up, seed * 2 + 1);
  const downLink = new LinkModel(netsim.down, seed * 2 + 2);
  const outgoing = new DelayQueue<Uint8Array>((data) => {
    if (conn.isOpen) send(data);
  });
  const incoming = new DelayQueue<{ kind: 'message' | 'close'; ev: any }>(({ kind, ev }) => {
    if (kind === 'message') {
      meter.down(byteLength(ev.data));
      onMessage?.(ev);
    } else {
      outgoing.clear();
      onClose?.(ev);
    }
  });

  conn.send = (data) => {
    // The SDK reuses its buffers: copy before holding on to one.
    const copy = new Uint8Array(data.byteLength);
    copy.set(data);
    meter.up(copy.byteLength);
    outgoing.push(upLink.schedule(performance.now(), copy.byteLength), copy);
  };
  conn.events.onmessage = (ev) => {
    const bytes = byteLength(ev.data);
    incoming.push(downLink.schedule(performance.now(), bytes), { kind: 'message', ev: { data: ev.data } });
  };
  // A close arrives after everything the server sent before it.
  conn.events.onclose = (ev) => {
    incoming.push(Math.max(performance.now(), downLink.schedule(performance.now(), 0)), { kind: 'close', ev });
  };
  return { meter, netsim, lost: () => ({ up: upLink.lost, down: downLink.lost }) };
}
