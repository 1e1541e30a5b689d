import { readFileSync } from 'node:fs';
import express, { type Application, type Request, type Response } from 'express';
import type { ServerConfig } from '../config.ts';
import { authorised, bearerToken, issueSession, LoginLimiter, secretMatches, SESSION_COOKIE, SESSION_TTL_MS } from './dashboard/auth.ts';
import { DashboardSampler } from './dashboard/sampler.ts';
import { log } from './log.ts';
import { registry } from './metrics.ts';
import { collectSocketBytes } from './transportMetrics.ts';

/** Event streams served at once; more get 503 (each one holds a socket and a listener). */
export const MAX_DASHBOARD_STREAMS = 16;

const asset = (name: string) => readFileSync(new URL(`./dashboard/assets/${name}`, import.meta.url), 'utf8');
const PAGES = {
  dashboard: asset('dashboard.html'),
  login: asset('login.html'),
  script: asset('dashboard.js'),
  style: asset('dashboard.css'),
};

/** Pages that show operational data: never cached, never framed, scripts only from here. */
function secureHeaders(res: Response): void {
  res.set({
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    // Not no-referrer: with it, browsers send `Origin: null` on the sign-in form's POST, which
    // the same-origin check below cannot tell from a cross-site post. The pages link nowhere else.
    'referrer-policy': 'same-origin',
    'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  });
}

function loginPage(message = ''): string {
  return PAGES.login.replace('<!--message-->', message ? `<p class="error">${message}</p>` : '');
}

/** A form post from another site (login CSRF) is refused; browsers always send Origin on POST. */
function sameOrigin(req: Request): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** `/metrics` (Prometheus) and, when a token is configured, `/dashboard` (see docs/OPERATIONS.md). */
export function mountObservability(app: Application, config: Pick<ServerConfig, 'dashboardToken' | 'metricsToken'>): void {
  const metricsToken = config.metricsToken ?? null;
  app.get('/metrics', async (req, res, next) => {
    if (metricsToken !== null && !secretMatches(bearerToken(req), metricsToken)) {
      res.status(401).set('www-authenticate', 'Bearer realm="metrics"').type('text/plain').send('unauthorised\n');
      return;
    }
    try {
      collectSocketBytes();
      res.set('content-type', registry.contentType).set('cache-control', 'no-store').send(await registry.metrics());
    } catch (err) {
      next(err);
    }
  });

  const token = config.dashboardToken ?? null;
  if (token === null) return; // Off by default: /dashboard does not exist.

  const sampler = new DashboardSampler();
  const limiter = new LoginLimiter();
  const form = express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 4 });
  const requireSession = (req: Request, res: Response): boolean => {
    if (authorised(req, token)) return true;
    secureHeaders(res);
    res.status(401).type('text/plain').send('sign in at /dashboard\n');
    return false;
  };

  app.get('/dashboard', (req, res) => {
    secureHeaders(res);
    res.type('html').send(authorised(req, token) ? PAGES.dashboard : loginPage());
  });

  app.post('/dashboard/login', form, (req, res) => {
    secureHeaders(res);
    const address = req.socket.remoteAddress ?? 'unknown';
    if (!sameOrigin(req)) return void res.status(403).type('html').send(loginPage('Sign-in refused: cross-site request.'));
    if (limiter.blocked(address)) return void res.status(429).type('html').send(loginPage('Too many attempts; wait a minute.'));
    const presented = (req.body as Record<string, unknown> | undefined)?.token;
    if (!secretMatches(typeof presented === 'string' ? presented : undefined, token)) {
      limiter.fail(address);
      log.warn({ address }, 'dashboard sign-in failed');
      return void res.status(401).type('html').send(loginPage('Wrong token.'));
    }
    res.cookie(SESSION_COOKIE, issueSession(token), {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/dashboard',
      maxAge: SESSION_TTL_MS,
    });
    res.redirect(303, '/dashboard');
  });

  app.post('/dashboard/logout', (req, res) => {
    secureHeaders(res);
    if (!sameOrigin(req)) return void res.status(403).end();
    res.clearCookie(SESSION_COOKIE, { path: '/dashboard' }).redirect(303, '/dashboard');
  });

  app.get('/dashboard/app.js', (req, res) => {
    if (!requireSession(req, res)) return;
    secureHeaders(res);
    res.type('application/javascript').send(PAGES.script);
  });
  // Styles only (the sign-in page needs them too): served without a session.
  app.get('/dashboard/app.css', (_req, res) => {
    secureHeaders(res);
    res.type('text/css').send(PAGES.style);
  });

  app.get('/dashboard/events', (req, res) => {
    if (!requireSession(req, res)) return;
    if (sampler.viewers >= MAX_DASHBOARD_STREAMS) return void res.status(503).type('text/plain').send('too many dashboard viewers\n');
    secureHeaders(res);
    res.status(200).set({ 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    res.write(`retry: 3000\nevent: history\ndata: ${JSON.stringify(sampler.recent())}\n\n`);
    const unsubscribe = sampler.subscribe((sample) => { res.write(`event: sample\ndata: ${JSON.stringify(sample)}\n\n`); });
    req.on('close', unsubscribe);
  });
}
