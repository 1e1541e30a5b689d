import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** Headers a client could use to claim another address. Only a trusted proxy may set them. */
const ADDRESS_HEADERS = ['x-forwarded-for', 'x-real-ip', 'x-client-ip', 'forwarded', 'x-forwarded-proto', 'x-forwarded-host'] as const;

/** `::ffff:1.2.3.4` -> `1.2.3.4`; `[::1]` -> `::1`; `1.2.3.4:567` -> `1.2.3.4`; anything else unchanged. */
export function plainAddress(raw: string): string {
  let a = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
  if (a.toLowerCase().startsWith('::ffff:') && isIP(a.slice(7)) === 4) a = a.slice(7);
  return a;
}

/**
 * Which peers are our own reverse proxies, and what a request's client address therefore is.
 * X-Forwarded-For is believed only when the TCP peer is a configured proxy, and then only from
 * the right: the first address (walking right to left) that is not a trusted proxy is the client,
 * so whatever a client writes into the header itself is never used.
 */
/** A set of addresses and CIDR ranges (IPv4 and IPv6), parsed once from configuration. */
export class AddressList {
  private readonly list = new BlockList();
  readonly size: number;

  /** `label` names the setting in error messages (e.g. TRUSTED_PROXIES). */
  constructor(entries: readonly string[], label: string) {
    for (const entry of entries) {
      const [address, prefix] = entry.split('/');
      const plain = plainAddress(address ?? '');
      const family = isIP(plain);
      if (family === 0) throw new Error(`${label}: "${entry}" is not an IP address or CIDR range`);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) {
        this.list.addAddress(plain, type);
      } else {
        const bits = Number(prefix);
        if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) throw new Error(`${label}: bad prefix in "${entry}"`);
        this.list.addSubnet(plain, bits, type);
      }
    }
    this.size = entries.length;
  }

  has(address: string | undefined): boolean {
    if (this.size === 0 || address === undefined) return false;
    const plain = plainAddress(address);
    const family = isIP(plain);
    return family !== 0 && this.list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/** Who a request came from, as the edge resolved it once for every later decision. */
export interface RequestClient {
  /** The client's address: the TCP peer, or what a trusted proxy forwarded. */
  ip: string;
  /** The client reached us over HTTPS: directly over TLS, or a trusted proxy said so (X-Forwarded-Proto). */
  secure: boolean;
}

const resolvedClients = new WeakMap<IncomingMessage, RequestClient>();

/**
 * The client of `req` as the edge resolved it (ProxyTrust.normalize): the one answer every limiter,
 * cookie and log line uses, so none of them keys on a proxy's address or scheme by mistake. A
 * request the edge has not seen (none reaches a route) falls back to its TCP peer and socket.
 */
export function requestClient(req: IncomingMessage): RequestClient {
  return resolvedClients.get(req) ?? { ip: plainAddress(req.socket.remoteAddress ?? '') || 'unknown', secure: isTlsSocket(req) };
}

function isTlsSocket(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true;
}

export class ProxyTrust {
  private readonly proxies: AddressList;

  constructor(entries: readonly string[]) {
    this.proxies = new AddressList(entries, 'TRUSTED_PROXIES');
  }

  trusts(address: string | undefined): boolean {
    return this.proxies.has(address);
  }

  /** The client's address for a request that arrived from `peer` with these headers. */
  clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined): string {
    const peerAddress = plainAddress(peer ?? '') || 'unknown';
    if (!this.trusts(peerAddress) || forwardedFor === undefined) return peerAddress;
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',').map(plainAddress).filter(Boolean);
    let client = peerAddress;
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!;
      if (isIP(hop) === 0) break; // garbage left of our proxy's entry: stop at the last real hop
      client = hop;
      if (!this.trusts(hop)) break;
    }
    return client;
  }

  /**
   * Resolve the client address once and rewrite the request so every later reader (Colyseus'
   * `AuthContext.ip` included, which believes X-Forwarded-For unconditionally) sees only it.
   */
  normalize(req: IncomingMessage): string {
    const client = this.clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for']);
    const fromProxy = this.trusts(req.socket.remoteAddress);
    // The scheme the client used: a trusted proxy's last hop says it; anyone else's word is ignored.
    const forwardedProto = fromProxy ? String(req.headers['x-forwarded-proto'] ?? '').split(',').pop()!.trim().toLowerCase() : '';
    const secure = forwardedProto === 'https' || forwardedProto === 'wss' || (forwardedProto === '' && isTlsSocket(req));
    for (const name of ADDRESS_HEADERS) delete req.headers[name];
    req.headers['x-forwarded-for'] = client;
    if (forwardedProto !== '') req.headers['x-forwarded-proto'] = secure ? 'https' : 'http';
    resolvedClients.set(req, { ip: client, secure });
    return client;
  }
}
