import { Protocol, Room, type ClientOptions } from '@colyseus/sdk';
import { NetClient, type NetClientOptions } from '../../game-client/net/netClient.ts';
import type { Recorder, TrafficCounters } from './types.ts';

const PROTOCOL_CODE_MASK = 0x1f;

/**
 * What a light bot installs instead of the schema serializer: the SDK hands it every state
 * frame and it throws them away. `getState()` must be `undefined` (not `null`): the SDK asks the
 * server to skip the join handshake when a serializer already has state, and the handshake
 * carries the input schema the bot needs to send inputs.
 */
export class DiscardingSerializer {
  setState(): void {}
  getState(): undefined { return undefined; }
  patch(): void {}
  teardown(): void {}
  handshake(): void {}
}

/**
 * An SDK room that counts what crosses its WebSocket (payload bytes, frames, patches, and the
 * gap between patches), without changing what the SDK does with the frames.
 */
export class MeteredRoom<State = any> extends Room<any, State> {
  readonly traffic: TrafficCounters = { bytesIn: 0, bytesOut: 0, framesIn: 0, framesOut: 0, patches: 0, patchBytes: 0 };
  /** Gaps between consecutive patches (ms) go here when set. */
  patchGaps: Recorder | undefined;
  /**
   * Round trip of the latest `room.ping()`, timed here with sub-millisecond resolution (the
   * SDK's own callback rounds to whole milliseconds, which reads 0 on a LAN).
   */
  lastPingMs: number | undefined;
  private lastPatchAtMs = -1;
  private pingSentAtMs = -1;

  override connect(endpoint: string, options?: any, headers?: any): void {
    super.connect(endpoint, options, headers);
    // The same interception @colyseus/sdk/debug uses: every outgoing frame goes through here.
    const connection = this.connection;
    const send = connection.send.bind(connection);
    const sendUnreliable = connection.sendUnreliable.bind(connection);
    connection.send = (data: Buffer | Uint8Array) => { this.countOut(data); send(data); };
    connection.sendUnreliable = (data: Buffer | Uint8Array) => { this.countOut(data); sendUnreliable(data); };
  }

  protected override onMessageCallback(event: MessageEvent): void {
    const data = event.data as ArrayBuffer;
    this.traffic.bytesIn += data.byteLength;
    this.traffic.framesIn++;
    const code = data.byteLength > 0 ? new Uint8Array(data, 0, 1)[0]! & PROTOCOL_CODE_MASK : -1;
    if (code === Protocol.ROOM_STATE_PATCH) {
      this.traffic.patches++;
      this.traffic.patchBytes += data.byteLength;
      const now = performance.now();
      if (this.lastPatchAtMs >= 0) this.patchGaps?.record(now - this.lastPatchAtMs);
      this.lastPatchAtMs = now;
    } else if (code === Protocol.PING && this.pingSentAtMs >= 0) {
      this.lastPingMs = performance.now() - this.pingSentAtMs;
      this.pingSentAtMs = -1;
    }
    super.onMessageCallback(event);
  }

  private countOut(data: Buffer | Uint8Array): void {
    this.traffic.bytesOut += data.byteLength;
    this.traffic.framesOut++;
    if (data.byteLength === 1 && data[0] === Protocol.PING) this.pingSentAtMs = performance.now();
  }
}

/**
 * An SDK client whose rooms are metered, and for light bots do not decode state. Handed to
 * `Lobby` through `createClient`, so bots still matchmake exactly like players.
 */
export class MeteredClient extends NetClient {
  /** The room of the latest join (one bot = one client = one room). */
  lastRoom: MeteredRoom | undefined;

  constructor(endpoint: string, options: ClientOptions, net: NetClientOptions, private readonly decodeState: boolean, private readonly patchGaps?: Recorder) {
    super(endpoint, net, options);
  }

  protected override newRoom<T>(roomName: string, rootSchema?: any): Room<any, T> {
    const room = new MeteredRoom<T>(roomName, rootSchema);
    room.patchGaps = this.patchGaps;
    if (!this.decodeState) room.serializer = new DiscardingSerializer() as unknown as typeof room.serializer;
    this.lastRoom = room;
    return room;
  }
}
