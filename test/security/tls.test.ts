import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinArena, leaveAll, type ArenaRoom } from '../helpers/clients.ts';
import { startTestServer } from '../helpers/server.ts';
import { makeSelfSignedCert, trustCertificate, type SelfSigned } from '../../tools/selfSigned.ts';
import { waitFor } from '../helpers/wait.ts';

let cert: SelfSigned;
let server: Awaited<ReturnType<typeof startTestServer>>;
const open: ArenaRoom[] = [];

beforeAll(async () => {
  cert = makeSelfSignedCert();
  trustCertificate(cert.certPem);
  server = await startTestServer({ tls: { certPath: cert.certPath, keyPath: cert.keyPath } });
});
afterAll(async () => {
  await leaveAll(open);
  await server?.close();
  cert?.remove();
});

describe('TLS', () => {
  it('serves HTTPS and WSS from certificate and key files, and players join over them', async () => {
    expect(server.endpoint).toMatch(/^https:/);
    expect(server.wsUrl).toMatch(/^wss:/);
    const res = await fetch(`${server.endpoint}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);

    const a = await joinArena(server.endpoint, { name: 'secure-a' });
    const b = await joinArena(server.endpoint, { name: 'secure-b' });
    open.push(a, b);
    expect(b.roomId).toBe(a.roomId);
    expect((a.connection.transport as unknown as { ws: { url: string } }).ws.url).toMatch(/^wss:\/\//);
    await waitFor('each sees the other', () => a.state.players.get(b.sessionId)?.name === 'secure-b');
  });

  it('does not speak plaintext on the TLS port', async () => {
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: server.port }, () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => { data += d.toString('latin1'); });
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
    });
    expect(answer).not.toContain('"status":"ok"');
  });
});
