import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NGINX_PATH } from '../../tools/testPrograms.ts';
import { waitFor } from './wait.ts';

/** The deployment's nginx site, exactly as shipped (tools/deploy/compose.yaml mounts the same file). */
export const NGINX_TEMPLATE = fileURLToPath(new URL('../../tools/deploy/nginx/arena.conf.template', import.meta.url));

/**
 * Fill in a template's `${NAME}`s the way the nginx image does (envsubst of the variables that
 * are set); a name left unset is an error here rather than a broken config.
 */
export function renderTemplate(text: string, vars: Record<string, string>): string {
  const out = text.replace(/\$\{([A-Z0-9_]+)\}/g, (whole, name: string) => vars[name] ?? whole);
  const missing = /\$\{([A-Z0-9_]+)\}/.exec(out);
  if (missing) throw new Error(`template variable ${missing[1]} is not set`);
  return out;
}

export interface Nginx {
  stop(): Promise<void>;
  /** nginx's error log so far. */
  errors(): string;
}

/**
 * Debian's nginx running the shipped site from `vars`, in the foreground as a child of the test,
 * with its pid, logs and temporary files in a folder of its own. Resolves once it accepts
 * connections on `ARENA_HTTPS_PORT`.
 */
export async function startNginx(vars: Record<string, string>): Promise<Nginx> {
  const dir = mkdtempSync(path.join(tmpdir(), 'arena-nginx-'));
  writeFileSync(path.join(dir, 'arena.conf'), renderTemplate(readFileSync(NGINX_TEMPLATE, 'utf8'), vars));
  writeFileSync(path.join(dir, 'nginx.conf'), [
    'daemon off;',
    'worker_processes 1;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log warn;`,
    'events { worker_connections 512; }',
    'http {',
    '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`),
    `  include ${dir}/arena.conf;`,
    '}',
    '',
  ].join('\n'));
  const child = spawn(NGINX_PATH, ['-p', dir, '-c', `${dir}/nginx.conf`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  const reap = () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); };
  process.once('exit', reap);
  const exited = new Promise<void>((resolve) => child.once('exit', () => { process.off('exit', reap); resolve(); }));
  const errors = () => { try { return stderr + readFileSync(`${dir}/error.log`, 'utf8'); } catch { return stderr; } };
  const stop = async () => {
    // SIGTERM: fast shutdown (SIGQUIT would wait for open WebSockets to end).
    if (child.exitCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  };
  const port = Number(vars.ARENA_HTTPS_PORT);
  try {
    await waitFor('nginx to accept connections', () => child.exitCode === null ? accepts(port) : Promise.reject(new Error(`nginx exited: ${errors()}`)), { timeoutMs: 10_000, intervalMs: 50 });
  } catch (err) {
    await stop();
    throw err;
  }
  return { stop, errors };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => { socket.destroy(); resolve(true); });
    socket.on('error', () => resolve(false));
  });
}
