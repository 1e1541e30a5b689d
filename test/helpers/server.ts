import { startGameServer, type RunningServer } from '../../server/app.ts';
import { loadConfig, type ServerConfig } from '../../server/config.ts';

/**
 * A real game server in this test process, on 127.0.0.1 and an ephemeral port, serving no
 * client by default. One per test file: Colyseus' matchmaker is process-wide.
 */
export async function startTestServer(overrides: Partial<ServerConfig> = {}): Promise<RunningServer & { endpoint: string }> {
  const running = await startGameServer({ ...loadConfig({}), port: 0, host: '127.0.0.1', clientDir: null, ...overrides });
  return { ...running, endpoint: `http://127.0.0.1:${running.port}` };
}
