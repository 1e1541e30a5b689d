import type { FetchLike } from '../../game-client/net/guestAuth.ts';

/**
 * A browser's cookie handling for Node's fetch (which keeps none): remembers what Set-Cookie says
 * (name=value only; the attributes are recorded for tests to check) and sends it back on every
 * request, as a same-origin browser would. `seen` keeps every Set-Cookie header received.
 */
export function cookieJarFetch(): { fetch: FetchLike; cookies: Map<string, string>; seen: string[] } {
  const cookies = new Map<string, string>();
  const seen: string[] = [];
  const fetchImpl: FetchLike = async (input, init = {}) => {
    const headers = new Headers(init.headers);
    if (cookies.size > 0) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await globalThis.fetch(input, { ...init, headers });
    for (const line of res.headers.getSetCookie()) {
      seen.push(line);
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(line)) cookies.delete(name);
      else cookies.set(name, value);
    }
    return res;
  };
  return { fetch: fetchImpl, cookies, seen };
}
