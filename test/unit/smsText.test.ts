import { expect } from 'chai';
import fc from 'fast-check';
import { SMS_MAX_CHARS, paginateSms } from '../../src/channels/render';
import { countSms, gsmLookAlikes, isGsm7 } from '../../src/channels/sms/segments';
import { NumberHash } from '../../src/channels/sms/numberHash';

describe('SMS length, counted as carriers do', () => {
  it('GSM-7: 160 in one segment, 153 per segment after; the extension table counts two', () => {
    expect(countSms('a'.repeat(160))).to.deep.equal({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(countSms('a'.repeat(161)).segments).to.equal(2);
    expect(countSms('a'.repeat(306)).segments).to.equal(2);
    expect(countSms('a'.repeat(307)).segments).to.equal(3);
    expect(countSms('€'.repeat(80))).to.deep.equal({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(countSms('[' + 'a'.repeat(159)).segments).to.equal(2);
    expect(countSms('Tønder Kommune: æøå ÆØÅ é ü Ä').encoding).to.equal('GSM-7');
  });

  it('UCS-2 for any other character: 70, then 67; a surrogate pair (emoji) counts two', () => {
    expect(countSms('ب'.repeat(70))).to.deep.equal({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(countSms('ب'.repeat(71)).segments).to.equal(2);
    expect(countSms('ы'.repeat(134)).segments).to.equal(2);
    expect(countSms('a'.repeat(68) + '😀')).to.deep.equal({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(countSms('a'.repeat(69) + '😀').segments).to.equal(2);
    // One typographic quote turns a Danish text into UCS-2.
    expect(countSms('Skriv ”menu”').encoding).to.equal('UCS-2');
  });

  it('replaces look-alike characters (quotes, dashes, ellipsis, special spaces) so Danish and English stay GSM-7', () => {
    const text = 'Skriv “menu” – eller ‘tilbage’… 37\u00a0timer — ok\u200b';
    expect(gsmLookAlikes(text)).to.equal('Skriv "menu" - eller \'tilbage\'... 37 timer - ok');
    expect(isGsm7(gsmLookAlikes(text))).to.equal(true);
    expect(gsmLookAlikes('مرحبا «صديقي»')).to.equal('مرحبا "صديقي"');
  });
});

describe('paginateSms: one text where it fits, else texts that continue with "more"', () => {
  const more = 'Skriv MERE eller 0 for at læse videre.';

  it('keeps a reply that fits in one text as it is', () => {
    expect(paginateSms('Har du børn?\n1. Ja\n2. Nej', more, 3)).to.deep.equal([{ text: 'Har du børn?\n1. Ja\n2. Nej', segments: 1 }]);
  });

  it('cuts between sentences, never inside one, and keeps a question with its numbered answers', () => {
    const sentence = 'Dette er en sætning om arbejde og sprog i Tønder.';
    const text = `${Array.from({ length: 12 }, () => sentence).join(' ')}\nHvad vil du vide?\n1. Arbejde\n2. Skole\n3. Fritid`;
    const parts = paginateSms(text, more, 2);
    expect(parts.length).to.be.above(1);
    for (const [i, part] of parts.entries()) {
      expect(part.segments).to.be.at.most(2);
      const body = i < parts.length - 1 ? part.text.slice(0, -more.length - 1) : part.text;
      if (i < parts.length - 1) expect(part.text.endsWith(`\n${more}`)).to.equal(true);
      for (const piece of body.split(/(?<=\.)\s+|\n/)) if (piece.startsWith('Dette')) expect(piece).to.equal(sentence);
    }
    expect(parts[parts.length - 1].text).to.contain('Hvad vil du vide?\n1. Arbejde\n2. Skole\n3. Fritid');
  });

  it('for any text: every part within the segments and 1,600 characters, nothing lost or reordered', () => {
    const word = fc.oneof(fc.constantFrom('arbejde', 'skole.', 'Tønder', '€', 'مرحبا', 'Привіт!', '😀', '1.', 'https://example.org/a/very/long/path/to/a/page'), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(fc.array(fc.array(word, { maxLength: 40 }).map((w) => w.join(' ')), { maxLength: 12 }), fc.integer({ min: 1, max: 10 }), (lines, max) => {
        const text = lines.join('\n');
        const parts = paginateSms(text, more, max);
        const squash = (t: string) => gsmLookAlikes(t).replace(/\s+/g, '');
        for (const p of parts) {
          expect(p.segments).to.be.at.most(max);
          expect(p.text.length).to.be.at.most(SMS_MAX_CHARS);
        }
        const joined = parts.map((p, i) => (i < parts.length - 1 ? p.text.slice(0, -more.length - 1) : p.text)).join(' ');
        expect(squash(joined)).to.equal(squash(text));
      }),
      { numRuns: 300 },
    );
  });
});

describe('NumberHash', () => {
  it('names a number by a keyed hash and seals it so only the same secret opens it', () => {
    const a = new NumberHash('a'.repeat(32));
    const b = new NumberHash('b'.repeat(32));
    expect(a.of('+4512345678')).to.equal(a.of('+4512345678')).and.not.equal(b.of('+4512345678'));
    expect(a.of('+4512345678')).to.match(/^[A-Za-z0-9_-]{22}$/);
    const sealed = a.seal('+4512345678');
    expect(sealed).not.to.contain('12345678');
    expect(a.open(sealed)).to.equal('+4512345678');
    expect(b.open(sealed)).to.equal(undefined);
  });
});
