/**
 * The chat page's files over real HTTP: brotli or gzip only when the browser asks for it, a year's
 * immutable caching for content-hashed names, ETag / 304 for the rest, and the same
 * Content-Security-Policy on every page. (node:http, not fetch: fetch decompresses and asks for gzip itself.)
 */
import http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { expect } from 'chai';
import type { App } from '../../src/app';
import { startApp } from '../support/botServer';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('Web chat page: compression and caching', () => {
  let app: App;
  let url: string;
  let assets: string[];
  before(async () => {
    ({ app, url } = await startApp({ ENABLED_LOCALES: 'da,en,ti' }));
    const html = (await get(`${url}/`)).body.toString('utf8');
    assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets).to.have.length(3);
  });
  after(() => app.stop());

  const pages = () => ['/', ...assets, '/api/locales', '/privacy.html'];

  it('answers in brotli or gzip when asked, the same bytes as uncompressed, with Vary: Accept-Encoding', async () => {
    for (const path of pages()) {
      const plain = await get(`${url}${path}`);
      expect(plain.status, path).to.equal(200);
      expect(plain.headers['content-encoding'], `${path} uncompressed when not asked`).to.equal(undefined);
      expect(plain.headers.vary, path).to.match(/accept-encoding/i);
      const br = await get(`${url}${path}`, { 'accept-encoding': 'gzip, deflate, br' });
      expect(br.headers['content-encoding'], path).to.equal('br');
      expect(brotliDecompressSync(br.body).equals(plain.body), path).to.equal(true);
      expect(br.body.length, path).to.be.lessThan(plain.body.length);
      const gzip = await get(`${url}${path}`, { 'accept-encoding': 'gzip' });
      expect(gzip.headers['content-encoding'], path).to.equal('gzip');
      expect(gunzipSync(gzip.body).equals(plain.body), path).to.equal(true);
      const refused = await get(`${url}${path}`, { 'accept-encoding': 'br;q=0, gzip;q=0' });
      expect(refused.headers['content-encoding'], path).to.equal(undefined);
    }
  });

  it('caches content-hashed script, styles and Web Chat for a year, immutable', async () => {
    for (const path of assets) {
      const res = await get(`${url}${path}`);
      expect(res.headers['cache-control'], path).to.equal('public, max-age=31536000, immutable');
    }
    const css = (await get(`${url}${assets.find((a) => a.endsWith('.css'))}`)).body.toString('utf8');
    const font = /url\((\/assets\/[^)]+\.woff2)\)/.exec(css)?.[1];
    expect(font, 'the Ethiopic font, by a hashed name, in the styles').to.match(/\.[0-9a-f]{12}\.woff2$/);
    const res = await get(`${url}${font}`);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('font/woff2');
    expect(res.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
  });

  it('revalidates the page, /api/locales and the privacy notice: ETag, then 304 with no body', async () => {
    for (const path of ['/', '/api/locales', '/privacy.html']) {
      const first = await get(`${url}${path}`, { 'accept-encoding': 'br' });
      expect(first.headers['cache-control'], path).to.equal('no-cache');
      const etag = first.headers.etag!;
      expect(etag, path).to.match(/^"[0-9a-f]+"$/);
      const again = await get(`${url}${path}`, { 'accept-encoding': 'br', 'if-none-match': etag });
      expect(again.status, path).to.equal(304);
      expect(again.body.length, path).to.equal(0);
      const other = await get(`${url}${path}`, { 'if-none-match': '"something-else"' });
      expect(other.status, path).to.equal(200);
    }
  });

  it('keeps the same-origin Content-Security-Policy on the page and its files', async () => {
    for (const path of ['/', '/privacy.html', ...assets]) {
      const csp = (await get(`${url}${path}`)).headers['content-security-policy'] ?? '';
      expect(csp, path).to.contain("default-src 'self'").and.contain("script-src 'self'").and.contain("font-src 'self'");
    }
  });

  it('tells the page which languages need a script font (Tigrinya: Ethiopic), and no other', async () => {
    const body = JSON.parse((await get(`${url}/api/locales`)).body.toString('utf8')) as { locales: { code: string; font?: string }[] };
    expect(body.locales.map((l) => [l.code, l.font])).to.deep.equal([
      ['da', undefined],
      ['en', undefined],
      ['ti', 'Noto Sans Ethiopic Variable'],
    ]);
  });
});
