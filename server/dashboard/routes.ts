import { readFileSync } from 'node:fs';
import express, { type Application, type Request, type Response } from 'express';
import { sendError } from '../http/errors.ts';
import { requestClient } from '../security/clientAddress.ts';
import type { SecretKind } from '../security/limits.ts';
import type { SecretGuesses } from '../security/secretGuesses.ts';
import { retryAfterSeconds } from '../security/tokenBucket.ts';
import { authorised, bearerToken, issueSession, presentsCredential, secretMatches, SESSION_COOKIE, SESSION_TTL_MS } from './auth.ts';
import { DashboardSampler } from './sampler.ts';
import { log } from '../observability/log.ts';
import { registry } from '../observability/metrics.ts';
import { collectSocketBytes } from '../observability/transportMetrics.ts';

/** Event streams served at once; more get 503 (each one holds a socket and a listener). */
export const MAX_DASHBOARD_STREAMS = 16;

const asset = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
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

/** What a refused sign-in tells a person (the sign-in form shows it); scripts get the reason as JSON. */
export const SIGN_IN_MESSAGES = {
  forbidden: 'Sign-in refused: cross-site request.',
  unauthorised: 'Wrong token.',
  too_many_guesses: 'Too many attempts; wait a minute.',
} as const;
type SignInRefusal = keyof typeof SIGN_IN_MESSAGES;

export function loginPage(message = ''): string {
  return PAGES.login.replace('<!--message-->', message ? `<p class="error">${message}</p>` : '');
}

/**
 * A refused sign-in: a browser's form post (it asks for HTML) gets the sign-in page again with a
 * fixed message; anything else gets the JSON error shape. Same status either way.
 */
function refuseSignIn(req: Request, res: Response, status: number, reason: SignInRefusal, headers: Record<string, string> = {}): void {
  if (req.accepts(['json', 'html']) === 'html') {
    res.status(status).set(headers).type('html').send(loginPage(SIGN_IN_MESSAGES[reason]));
    return;
  }
  sendError(res, status, reason, headers);
}

/**
 * Check the credential a request presents for `kind` within its guessing budget. Returns true when
 * it is valid; otherwise has answered 401, or 429 with the true Retry-After when this client (or
 * everyone) has guessed too much. A request that presents nothing costs nothing and gets 401.
 */
function checkCredential(guesses: SecretGuesses, kind: SecretKind, req: Request, res: Response, presented: boolean, valid: () => boolean): boolean {
  if (!presented) {
    sendError(res, 401, 'unauthorised', kind === 'metrics_token' ? { 'www-authenticate': 'Bearer realm="metrics"' } : {});
    return false;
  }
  const attempt = guesses.attempt(kind, requestClient(req).ip, 'http');
  if (!attempt.ok) {
    sendError(res, 429, 'too_many_guesses', { 'retry-after': retryAfterSeconds(attempt.retryAfterMs) });
    return false;
  }
  const ok = valid();
  attempt.settle(ok);
  if (!ok) sendError(res, 401, 'unauthorised', kind === 'metrics_token' ? { 'www-authenticate': 'Bearer realm="metrics"' } : {});
  return ok;
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

/**
 * `/metrics` (Prometheus) and, when a token is configured, `/dashboard` (see docs/OPERATIONS.md).
 * Every token, cookie and sign-in is checked within its guessing budget (`guesses`), keyed on the
 * client address the edge resolved; the session cookie is `Secure` whenever the client came over
 * HTTPS, directly or through a trusted proxy.
 */
export function mountObservability(app: Application, config: { dashboardToken?: string | null; metricsToken?: string | null }, guesses: SecretGuesses): void {
  const metricsToken = config.metricsToken ?? null;
  app.get('/metrics', async (req, res, next) => {
    const presented = bearerToken(req);
    if (metricsToken !== null && !checkCredential(guesses, 'metrics_token', req, res, presented !== undefined, () => secretMatches(presented, metricsToken))) return;
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
  const form = express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 4 });
  const requireSession = (req: Request, res: Response): boolean => {
    secureHeaders(res);
    return checkCredential(guesses, 'dashboard_token', req, res, presentsCredential(req), () => authorised(req, token));
  };

  app.get('/dashboard', (req, res) => {
    secureHeaders(res);
    if (!presentsCredential(req)) return void res.type('html').send(loginPage());
    // A cookie or token that does not check out shows the sign-in form, as no credential does.
    const attempt = guesses.attempt('dashboard_token', requestClient(req).ip, 'http');
    if (!attempt.ok) return void refuseSignIn(req, res, 429, 'too_many_guesses', { 'retry-after': retryAfterSeconds(attempt.retryAfterMs) });
    const ok = authorised(req, token);
    attempt.settle(ok);
    res.type('html').send(ok ? PAGES.dashboard : loginPage());
  });

  app.post('/dashboard/login', form, (req, res) => {
    secureHeaders(res);
    const client = requestClient(req);
    if (!sameOrigin(req)) return void refuseSignIn(req, res, 403, 'forbidden');
    const attempt = guesses.attempt('dashboard_token', client.ip, 'http');
    if (!attempt.ok) return void refuseSignIn(req, res, 429, 'too_many_guesses', { 'retry-after': retryAfterSeconds(attempt.retryAfterMs) });
    const presented = (req.body as Record<string, unknown> | undefined)?.token;
    const ok = secretMatches(typeof presented === 'string' ? presented : undefined, token);
    attempt.settle(ok);
    if (!ok) {
      log.warn({ address: client.ip }, 'dashboard sign-in failed');
      return void refuseSignIn(req, res, 401, 'unauthorised');
    }
    res.cookie(SESSION_COOKIE, issueSession(token), {
      httpOnly: true,
      sameSite: 'strict',
      // The scheme the client used, through a trusted proxy too (X-Forwarded-Proto).
      secure: client.secure,
      path: '/dashboard',
      maxAge: SESSION_TTL_MS,
    });
    res.redirect(303, '/dashboard');
  });

  app.post('/dashboard/logout', (req, res) => {
    secureHeaders(res);
    if (!sameOrigin(req)) return void sendError(res, 403, 'forbidden');
    res.clearCookie(SESSION_COOKIE, { path: '/dashboard', secure: requestClient(req).secure }).redirect(303, '/dashboard');
  });

  app.get('/dashboard/app.js', (req, res) => {
    if (!requireSession(req, res)) return;
    res.type('application/javascript').send(PAGES.script);
  });
  // Styles only (the sign-in page needs them too): served without a session.
  app.get('/dashboard/app.css', (_req, res) => {
    secureHeaders(res);
    res.type('text/css').send(PAGES.style);
  });

  app.get('/dashboard/events', (req, res) => {
    if (!requireSession(req, res)) return;
    if (sampler.viewers >= MAX_DASHBOARD_STREAMS) return void sendError(res, 503, 'too_many_viewers', { 'retry-after': '10' });
    res.status(200).set({ 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    res.write(`retry: 3000\nevent: history\ndata: ${JSON.stringify(sampler.recent())}\n\n`);
    const unsubscribe = sampler.subscribe((sample) => { res.write(`event: sample\ndata: ${JSON.stringify(sample)}\n\n`); });
    req.on('close', unsubscribe);
  });
}
