import { expect } from 'chai';
import type { App } from '../../src/app';
import { startApp } from '../support/botServer';

describe('Web chat page routes', () => {
  let app: App;
  let url: string;
  before(async () => {
    ({ app, url } = await startApp({ ENABLED_LOCALES: 'da,en' }));
  });
  after(() => app.stop());

  it('serves the page with a same-origin Content-Security-Policy', async () => {
    const res = await fetch(`${url}/`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).to.contain("default-src 'self'").and.contain("script-src 'self'").and.contain("frame-src 'none'");
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    const html = await res.text();
    expect(html).to.match(/src="\/assets\/webchat\.[0-9a-f]{12}\.js"/).and.contain('href="/privacy.html"');
    expect(html.match(/(src|href)="https?:/g), 'nothing from another host').to.equal(null);
  });

  it('serves the built Web Chat, the page script and styles under content-hashed names, and the privacy notice', async () => {
    const html = await (await fetch(`${url}/`)).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.map((a) => a.replace(/\.[0-9a-f]{12}\./, '.HASH.')).sort()).to.deep.equal(['/assets/app.HASH.css', '/assets/app.HASH.js', '/assets/webchat.HASH.js']);
    const bundle = await fetch(`${url}${assets.find((a) => a.includes('webchat'))}`);
    expect(bundle.status).to.equal(200);
    expect(bundle.headers.get('content-type')).to.match(/javascript/);
    expect((await bundle.text()).length).to.be.greaterThan(500_000);
    for (const file of ['privacy.html', 'licenses/noto-sans-ethiopic-LICENSE.txt', 'licenses/webchat-LICENSES.txt']) expect((await fetch(`${url}/${file}`)).status, file).to.equal(200);
  });

  it('reaches nothing outside public/', async () => {
    for (const path of ['/..%2Fpackage.json', '/package.json', '/%2e%2e%2fsrc%2fconfig.ts', '/nothing.html', '/assets/..%2F..%2Fpackage.json', '/assets/manifest.json', '/licenses/nothing.txt', '/vendor/webchat.js']) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).to.equal(404);
    }
  });

  it('lists the enabled languages with own name, direction, Web Chat locale and texts', async () => {
    const body = (await (await fetch(`${url}/api/locales`)).json()) as { locales: { code: string; name: string; dir: string; webchatLocale: string; page: Record<string, string> }[] };
    expect(body.locales.map((l) => [l.code, l.name, l.dir, l.webchatLocale])).to.deep.equal([
      ['da', 'Dansk', 'ltr', 'da-DK'],
      ['en', 'English', 'ltr', 'en-US'],
    ]);
    expect(body.locales[0].page.privacy).to.be.a('string').and.not.equal('');
  });
});
