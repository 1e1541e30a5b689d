import { startGameServer, type RunningServer } from '../../server/app.ts';
import { loadConfig, type ServerConfig } from '../../server/config.ts';
import type { SecurityConfig } from '../../server/security/limits.ts';

export type TestServerOverrides = Partial<Omit<ServerConfig, 'security'>> & { security?: Partial<SecurityConfig> };

/**
 * A real game server in this test process, on 127.0.0.1 and an ephemeral port, serving no
 * client by default. One per test file: Colyseus' matchmaker is process-wide. Security settings
 * are the production defaults unless a test overrides some of them.
 */
export async function startTestServer(overrides: TestServerOverrides = {}): Promise<RunningServer & { endpoint: string }> {
  const base = loadConfig({});
  const running = await startGameServer({
    ...base,
    port: 0,
    host: '127.0.0.1',
    clientDir: null,
    // No store unless a test asks for one (test/helpers/stores.ts makes its database).
    store: null,
    ...overrides,
    security: { ...base.security, ...overrides.security },
  });
  const scheme = overrides.tls ? 'https' : 'http';
  return { ...running, endpoint: `${scheme}://127.0.0.1:${running.port}` };
}
