import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { pageLocales } from '../../src/channels/directline/webPage';

describe('Web chat page locales (/api/locales)', () => {
  let dir: string;
  const write = (lng: string, file: string, value: unknown) => {
    mkdirSync(join(dir, lng), { recursive: true });
    writeFileSync(join(dir, lng, file), JSON.stringify(value));
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tib-locales-'));
    write('en', 'meta.json', { name: 'English', dir: 'ltr' });
    write('en', 'webchat.json', { page: { title: 'Chat', privacy: 'What we store' }, ui: { TEXT_INPUT_PLACEHOLDER: 'Type your message' } });
    write('da', 'meta.json', { name: 'Dansk', dir: 'ltr' });
    write('da', 'webchat.json', { page: { title: 'Chat (da)' }, ui: {} });
    write('xx', 'meta.json', { name: 'Rtl test', dir: 'rtl' });
    write('fa', 'meta.json', { name: 'فارسی' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives each language its own name, direction from meta.json, and Web Chat\'s tag when it has one', () => {
    const [da, xx, fa, en] = pageLocales(['da', 'xx', 'fa', 'en'], dir);
    expect(da).to.deep.include({ code: 'da', name: 'Dansk', dir: 'ltr', webchatLocale: 'da-DK' });
    expect(xx).to.deep.include({ code: 'xx', name: 'Rtl test', dir: 'rtl', webchatLocale: 'xx' });
    expect(fa).to.deep.include({ code: 'fa', name: 'فارسی', dir: 'rtl', webchatLocale: 'fa' });
    expect(en.webchatLocale).to.equal('en-US');
  });

  it('falls back to English page texts, and overrides Web Chat\'s UI only where it has no strings', () => {
    const [da, fa] = pageLocales(['da', 'fa'], dir);
    expect(da.page).to.deep.equal({ title: 'Chat (da)', privacy: 'What we store' });
    expect(da.ui).to.deep.equal({});
    expect(fa.page).to.deep.equal({ title: 'Chat', privacy: 'What we store' });
    expect(fa.ui).to.deep.equal({ TEXT_INPUT_PLACEHOLDER: 'Type your message' });
  });

  it('every locale\'s webchat.json is valid: known page keys, Web Chat string ids, no empty text', () => {
    const root = join(__dirname, '..', '..', 'locales');
    const english = pageLocales(['en'])[0];
    for (const lng of readdirSync(root).filter((l) => existsSync(join(root, l, 'webchat.json')))) {
      const file = JSON.parse(readFileSync(join(root, lng, 'webchat.json'), 'utf8')) as { page?: Record<string, unknown>; ui?: Record<string, unknown> };
      for (const [key, value] of Object.entries(file.page ?? {})) {
        expect(Object.keys(english.page), `${lng}/webchat.json page.${key}`).to.include(key);
        expect(value, `${lng}/webchat.json page.${key}`).to.be.a('string').and.not.equal('');
      }
      for (const [key, value] of Object.entries(file.ui ?? {})) {
        expect(key, `${lng}/webchat.json ui.${key}`).to.match(/^[A-Z][A-Z0-9_]+$/);
        expect(value, `${lng}/webchat.json ui.${key}`).to.be.a('string').and.not.equal('');
      }
    }
  });

  it('every shipped locale with page texts has all of English\'s keys', () => {
    const shipped = pageLocales(['da', 'en']);
    const keys = Object.keys(shipped[1].page).sort();
    expect(keys).to.include.members(['title', 'heading', 'chooseLanguage', 'languages', 'privacy', 'newConversation', 'loading', 'offline', 'chat']);
    expect(Object.keys(shipped[0].page).sort()).to.deep.equal(keys);
  });
});
