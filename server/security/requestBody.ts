import type { IncomingMessage } from 'node:http';

export type BodyRead = { ok: true; value: unknown } | { ok: false; status: 400 | 413; reason: 'bad_request' | 'body_too_large' };

/**
 * Read a small JSON request body ourselves, before Colyseus sees the request: at most `maxBytes`,
 * UTF-8, one JSON value (empty: `{}`). The caller hands the parsed value on as `req.body`, which
 * Colyseus' router uses instead of reading the stream itself, so a request whose stream is gone by
 * then (a client that hung up, a `Content-Length` shorter than what was sent) is answered or
 * dropped here and never reaches the code that would throw an unhandled rejection on it
 * (docs/UPSTREAM.md). Node's own request timeout bounds how long a slow body may take.
 */
export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyRead) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        finish({ ok: false, status: 413, reason: 'body_too_large' });
        req.resume(); // drain and discard the rest; the response closes the connection
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return finish({ ok: true, value: {} });
      try {
        finish({ ok: true, value: JSON.parse(text) as unknown });
      } catch {
        finish({ ok: false, status: 400, reason: 'bad_request' });
      }
    });
    req.once('error', () => finish({ ok: false, status: 400, reason: 'bad_request' }));
    req.once('close', () => finish({ ok: false, status: 400, reason: 'bad_request' }));
  });
}
