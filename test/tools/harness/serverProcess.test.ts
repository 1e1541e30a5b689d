import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePorts } from '../../../tools/harness/serverProcess.ts';

/** Whether a server can listen on `port` of 127.0.0.1 now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('free ports for servers started later', () => {
  it('hands out distinct ports, none it was told to avoid, each free to listen on', async () => {
    const first = await freePorts(8);
    expect(new Set(first).size).toBe(8);
    const more = await freePorts(4, first);
    expect(new Set(more).size).toBe(4);
    for (const port of more) expect(first).not.toContain(port);
    for (const port of [...first, ...more]) expect(await canListen(port)).toBe(true);
  });
});
