import type http from 'node:http';
import { SERVER_DRAINING, SERVER_DRAINING_MESSAGE } from './matchmakingGuard.ts';

/**
 * Once Colyseus' shutdown has begun, its matchmaking route answers a bare 503 with no body, which
 * the SDK reports as "Unexpected end of JSON input". While this process drains, answer matchmaking
 * requests ourselves, in the shape the SDK reads (`{ code, error }`), so a player is told the
 * server is restarting. Call after the server listens (Colyseus installs its handler then).
 */
export function answerMatchmakingWhileDraining(httpServer: http.Server, draining: () => boolean): void {
  const handlers = httpServer.listeners('request') as Array<(req: http.IncomingMessage, res: http.ServerResponse) => void>;
  httpServer.removeAllListeners('request');
  httpServer.on('request', (req, res) => {
    if (draining() && req.method === 'POST' && req.url?.startsWith('/matchmake/')) {
      const body = JSON.stringify({ code: SERVER_DRAINING.status, error: SERVER_DRAINING_MESSAGE });
      res.writeHead(SERVER_DRAINING.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'retry-after': '2' });
      res.end(body);
      req.resume();
      return;
    }
    for (const handler of handlers) handler.call(httpServer, req, res);
  });
}
