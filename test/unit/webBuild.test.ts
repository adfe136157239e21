/** The parts of the chat page's build that decide what goes into Web Chat and the Ethiopic font. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { SCRIPT_FONTS, subsetText } from '../../src/web/assets';
import { LINK_DEFINITIONS, nativeBuiltIn } from '../../src/web/webchatBundle';

const ROOT = join(__dirname, '..', '..');

describe('Chat page build', () => {
  it("stands the browser's built-ins in for core-js", () => {
    expect(nativeBuiltIn('instance/for-each')).to.equal('module.exports = function (it) { return it.forEach; };');
    expect(nativeBuiltIn('object/get-own-property-descriptors')).to.equal('module.exports = globalThis.Object.getOwnPropertyDescriptors;');
    expect(nativeBuiltIn('set')).to.equal('module.exports = globalThis.Set;');
    expect(nativeBuiltIn('set-timeout')).to.equal('module.exports = globalThis.setTimeout;');
    expect(nativeBuiltIn('parse-float')).to.equal('module.exports = globalThis.parseFloat;');
    expect(nativeBuiltIn('array/is-array')).to.equal('module.exports = globalThis.Array.isArray;');
  });

  it("reads a message's link reference definitions as Web Chat's markdown tree had them", () => {
    const fromMarkdown = new Function(`${LINK_DEFINITIONS.replace('export function', 'function')}\nreturn fromMarkdown;`)() as (markdown: string) => { children: unknown[] };
    const markdown = 'See [the rules][1].\n\n[1]: https://example.org/a "The rules"\n  [Two  Words]: <https://example.org/b> \'B\'\n[3]: https://example.org/c\nnot [a]: one inside a line';
    expect(fromMarkdown(markdown).children).to.deep.equal([
      { type: 'definition', identifier: '1', label: '1', url: 'https://example.org/a', title: 'The rules' },
      { type: 'definition', identifier: 'two words', label: 'Two  Words', url: 'https://example.org/b', title: 'B' },
      { type: 'definition', identifier: '3', label: '3', url: 'https://example.org/c', title: null },
    ]);
    expect(fromMarkdown('').children).to.deep.equal([]);
  });

  it('keeps in the Ethiopic font every Ethiopic character of the Tigrinya texts, and its punctuation', () => {
    const font = SCRIPT_FONTS.find((f) => f.languages.includes('ti'))!;
    const kept = new Set(subsetText(font));
    const texts = readdirSync(join(ROOT, 'locales', 'ti')).map((f) => readFileSync(join(ROOT, 'locales', 'ti', f), 'utf8')).join('');
    const ethiopic = [...new Set(texts)].filter((c) => /[\u1200-\u137f]/.test(c));
    expect(ethiopic.length).to.be.greaterThan(50);
    expect(ethiopic.filter((c) => !kept.has(c))).to.deep.equal([]);
    for (const c of '፡።፣፤') expect(kept.has(c), c).to.equal(true);
    // nothing but the script: Latin letters come from the device's fonts
    expect([...kept].filter((c) => c < '\u1200')).to.deep.equal([]);
  });
});
