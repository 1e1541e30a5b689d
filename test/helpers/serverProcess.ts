/** Server processes on ephemeral ports: tools/harness/serverProcess.ts (benchmarks start them too). */
export { DEBUG_CLIENT_DIR, freePort, freePorts, startServerProcess, type ServerProcess } from '../../tools/harness/serverProcess.ts';
