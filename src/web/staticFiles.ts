/**
 * Sends the built web files (assets.ts) from memory: brotli or gzip as the browser's
 * Accept-Encoding asks (Vary: Accept-Encoding), a year's immutable caching for content-hashed
 * names, and ETag / 304 Not Modified for the rest.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import Negotiator from 'negotiator';
import type { Request, Response } from 'restify';
import type { AssetEntry, AssetManifest } from './assets';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

/** One response body with its precompressed variants. */
export interface StaticBody {
  type: string;
  etag: string;
  cacheControl: string;
  identity: Buffer;
  br?: Buffer;
  gzip?: Buffer;
}

export function loadStaticFiles(manifest: AssetManifest, dir: string): Map<string, StaticBody> {
  const files = new Map<string, StaticBody>();
  for (const [path, entry] of Object.entries(manifest.files)) files.set(path, loadEntry(entry, dir));
  return files;
}

function loadEntry(entry: AssetEntry, dir: string): StaticBody {
  const read = (suffix: string) => readFileSync(join(dir, entry.file + suffix));
  return {
    type: entry.type,
    etag: entry.etag,
    cacheControl: entry.immutable ? IMMUTABLE : REVALIDATE,
    identity: read(''),
    br: entry.encodings.includes('br') ? read('.br') : undefined,
    gzip: entry.encodings.includes('gzip') ? read('.gz') : undefined,
  };
}

/** A body made at start-up (e.g. /api/locales), compressed once. */
export function staticBody(type: string, identity: Buffer, cacheControl = REVALIDATE): StaticBody {
  return {
    type,
    cacheControl,
    etag: `"${createHash('sha256').update(identity).digest('hex').slice(0, 27)}"`,
    identity,
    br: brotliCompressSync(identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }),
    gzip: gzipSync(identity, { level: 9 }),
  };
}

/** The encoding to answer with ('identity' when the client accepts neither br nor gzip). */
export function chooseEncoding(acceptEncoding: string | undefined, body: Pick<StaticBody, 'br' | 'gzip'>): 'br' | 'gzip' | 'identity' {
  const available = [...(body.br ? ['br'] : []), ...(body.gzip ? ['gzip'] : []), 'identity'];
  // Among what the client accepts, the smallest: browsers list gzip first but take br as gladly.
  const accepted = new Set(new Negotiator({ headers: { 'accept-encoding': acceptEncoding ?? 'identity' } }).encodings(available));
  return accepted.has('br') ? 'br' : accepted.has('gzip') ? 'gzip' : 'identity';
}

function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim().replace(/^W\//, '');
    return t === '*' || t === etag;
  });
}

export function sendStatic(req: Request, res: Response, body: StaticBody): void {
  const compressed = Boolean(body.br || body.gzip);
  res.setHeader('Cache-Control', body.cacheControl);
  res.setHeader('ETag', body.etag);
  if (compressed) res.setHeader('Vary', 'Accept-Encoding');
  if (etagMatches(req.headers['if-none-match'], body.etag)) {
    res.sendRaw(304, Buffer.alloc(0));
    return;
  }
  const encoding = chooseEncoding(req.headers['accept-encoding'], body);
  const payload = encoding === 'br' ? body.br! : encoding === 'gzip' ? body.gzip! : body.identity;
  res.setHeader('Content-Type', body.type);
  if (encoding !== 'identity') res.setHeader('Content-Encoding', encoding);
  res.sendRaw(200, payload);
}
