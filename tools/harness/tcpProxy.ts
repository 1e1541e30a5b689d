import { createServer, connect, type Server, type Socket } from 'node:net';

export type ProxyMode = 'pass' | 'blackhole';

export interface TcpProxy {
  port: number;
  /** `blackhole`: every byte in either direction, on current and new connections, is silently dropped. */
  setMode(mode: ProxyMode): void;
  /** Cut every current connection abruptly (both sides see the socket die, no close frame). */
  resetAll(): void;
  /** Cut one connection, picked with `random` (false when there was none). */
  resetOne(random?: () => number): boolean;
  /** Connections currently open through the proxy. */
  readonly open: number;
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 in front of `targetPort` that can drop traffic: a network that
 * silently stops delivering (a dead Wi-Fi, a NAT that forgot the flow) without either end
 * being told. Nothing is buffered in blackhole mode: dropped bytes are gone.
 */
export function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let mode: ProxyMode = 'pass';
  const pairs = new Set<[Socket, Socket]>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const relay = (from: Socket, to: Socket) => {
      from.on('data', (data: Buffer) => { if (mode === 'pass' && !to.destroyed) to.write(data); });
      // A close crosses only while traffic passes: in a blackhole the other side is left hanging.
      from.on('close', () => {
        if (mode === 'pass') to.destroy();
        if (client.destroyed && upstream.destroyed) pairs.delete(pair);
      });
      from.on('error', () => undefined);
    };
    relay(client, upstream);
    relay(upstream, client);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as { port: number }).port,
        setMode: (m) => { mode = m; },
        resetOne(random = Math.random) {
          const all = [...pairs];
          const pair = all[Math.floor(random() * all.length)];
          if (!pair) return false;
          pair[0].resetAndDestroy();
          pair[1].resetAndDestroy();
          pairs.delete(pair);
          return true;
        },
        resetAll() {
          for (const [a, b] of pairs) {
            a.resetAndDestroy();
            b.resetAndDestroy();
          }
          pairs.clear();
        },
        get open() {
          return pairs.size;
        },
        close: () => new Promise<void>((done) => {
          for (const [a, b] of pairs) { a.destroy(); b.destroy(); }
          pairs.clear();
          server.close(() => done());
        }),
      });
    });
  });
}
