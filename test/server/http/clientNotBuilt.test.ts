import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isOurReason } from '../../../server/http/errors.ts';
import { startTestServer } from '../../helpers/server.ts';

/**
 * A server started before the client is built (a fresh clone running the server directly) answers
 * its page with the fixed error shape and a reason that says what to run, like every other error.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
const emptyDir = mkdtempSync(path.join(tmpdir(), 'arena-no-client-'));

beforeAll(async () => {
  server = await startTestServer({ clientDir: emptyDir });
});
afterAll(async () => {
  await server?.close();
  rmSync(emptyDir, { recursive: true, force: true });
});

it('answers the page with a 503 in the fixed JSON shape that names the build command', async () => {
  const answer = await fetch(`${server.endpoint}/`);
  expect(answer.status).toBe(503);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  const body = await answer.json() as { code: number; error: string };
  expect(Object.keys(body).sort()).toEqual(['code', 'error']);
  expect(body.code).toBe(503);
  expect(isOurReason(body.error)).toBe(true);
  expect(body.error).toContain('npm run build');
});
