import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * The address of the client that made a request: the TCP peer, or, behind `trustedProxies`
 * reverse proxies (TRUST_PROXY), the address the nearest untrusted hop put in X-Forwarded-For.
 * Without TRUST_PROXY the header is ignored, so nobody can pick their own address.
 */
export function clientAddress(req: IncomingMessage, trustedProxies: number): string {
  const peer = normalise(req.socket.remoteAddress ?? '');
  if (trustedProxies <= 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((h) => normalise(h.trim()))
    .filter((h) => isIP(h) !== 0);
  // the last entry was added by the proxy nearest to us; each trusted proxy adds one
  const chain = [...hops, peer];
  return chain[Math.max(0, chain.length - 1 - trustedProxies)];
}

function normalise(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return (mapped ? mapped[1] : address).toLowerCase();
}

/** True for 127.0.0.0/8 and ::1. */
export function isLoopbackAddress(address: string): boolean {
  const a = normalise(address);
  return a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a);
}

/** True when `url` is http(s) to this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || isLoopbackAddress(host);
  } catch {
    return false;
  }
}

/**
 * What a per-client limit counts by: the IPv4 address, or the /64 network of an IPv6 address
 * (one client usually holds a whole /64, so counting single addresses would not limit it).
 */
export function rateSubject(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head, tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
