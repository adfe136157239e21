/**
 * The chat page's weight on a phone's first open and on a repeat visit, as Chromium counts it over
 * the wire (DevTools protocol, headers included): the goals of the performance issue. Bytes are
 * deterministic, so they are asserted; times are not (`npm run bench` prints them).
 */
import { existsSync } from 'node:fs';
import { expect } from 'chai';
import type { App } from '../../src/app';
import { startApp } from '../support/botServer';
import { pageWeight } from '../../bench/page';

const CHROMIUM = '/usr/bin/chromium';

describe('Web chat page weight in Chromium', function () {
  this.timeout(180_000);
  let app: App;
  let url: string;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`      (skipped: ${CHROMIUM} is not installed; CI installs it with apt-get install -y chromium)`);
      this.skip();
    }
    ({ app, url } = await startApp({ ENABLED_LOCALES: 'da,en,ar,ti' }));
  });

  after(async () => {
    await app?.stop();
  });

  for (const language of ['da', 'ti']) {
    it(`first open in ${language} is at most 600 KB, a repeat visit at most 15 KB`, async () => {
      const weight = await pageWeight({ name: 'test', url, pid: process.pid, stop: async () => undefined }, language);
      const files = weight.firstOpenByFile.map((f) => `${f.path} ${f.bytes}`).join(', ');
      expect(weight.firstOpen, files).to.be.at.most(600_000);
      expect(weight.repeatVisit, weight.repeatByFile.map((f) => `${f.path} ${f.bytes}`).join(', ')).to.be.at.most(15_000);
      // what makes the page fast on a slow network: Web Chat and the font stay small
      const webchat = weight.firstOpenByFile.find((f) => /^\/assets\/webchat\./.test(f.path));
      expect(webchat?.bytes, files).to.be.below(320_000);
      const font = weight.firstOpenByFile.find((f) => f.path.endsWith('.woff2'));
      if (language === 'ti') expect(font?.bytes, files).to.be.below(40_000);
      else expect(font, files).to.equal(undefined);
    });
  }
});
