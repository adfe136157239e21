import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fold, words } from '../../src/nlu/fold';
import { SafetyScreen } from '../../src/nlu/safety';

/**
 * A signal word of five letters or more forgives one typo, and only one: two words that share a
 * deletion can be two edits apart ("starke" and "stroke" both give "strke"), and German "starke
 * Bauchschmerzen" (strong belly ache) raised the English stroke alarm. Messages written for this test.
 */
describe('safety screen: one typo, not two', () => {
  const screen = SafetyScreen.load();

  it('does not read a word two edits away from a signal word as that word', () => {
    for (const [lng, text] of [
      ['de', 'ich habe seit heute früh starke bauchschmerzen'],
      ['de', 'meine tochter hat starke zahnschmerzen, wann kann sie zum zahnarzt'],
    ]) {
      const a = screen.assess(text, [lng]);
      expect(a.alarm, `${text}: ${JSON.stringify(a)}`).to.equal(undefined);
    }
  });

  it('still forgives one typo in a signal word', () => {
    const a = screen.assess('i think my dad is having a strok', ['en']);
    expect(a.alarm?.kind, JSON.stringify(a)).to.equal('medical');
  });
});

/**
 * Tigrinya writers use ሠ and ሰ, ፀ and ጸ, ኀ, ሀ and ሐ for one sound: each pair folds to one letter with the
 * same vowel, so a message reads the same whichever row it uses. Messages written for this test.
 */
describe('safety screen: Tigrinya letter variants', () => {
  const screen = SafetyScreen.load();

  it('raises the same alarm whichever of two letters for one sound a message uses', () => {
    for (const [kind, common, variant] of [
      ['fire', 'ሓዊ ኣሎ', 'ኃዊ ኣሎ'],
      ['fire', 'ሓዊ ኣሎ', 'ሃዊ ኣሎ'],
      ['threat', 'ሓደ ሰብ ሰዒቡኒ', 'ሓደ ሠብ ሠዒቡኒ'],
      ['violence', 'ሰብኣየይ ብቐበቶ ገጸይ', 'ሠብኣየይ ብቐበቶ ገፀይ'],
    ]) {
      const a = screen.assess(common, ['ti']);
      expect(a.alarm?.kind, `${common}: ${JSON.stringify(a)}`).to.equal(kind);
      expect(screen.assess(variant, ['ti']).alarm?.kind, variant).to.equal(kind);
      expect(fold(variant), variant).to.equal(fold(common));
    }
  });
});

/** A screen built from a copy of the project's locales with one cue added (words made up so nothing else matches them). */
function withCue<T>(lng: string, cue: string, use: (screen: SafetyScreen) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'locales-'));
  try {
    cpSync(join(__dirname, '..', '..', 'locales'), dir, { recursive: true });
    const file = join(dir, lng, 'safety.json');
    const spec = JSON.parse(readFileSync(file, 'utf8')) as { cues: Record<string, string[]> };
    spec.cues.violence.push(cue);
    writeFileSync(file, JSON.stringify(spec));
    return use(SafetyScreen.load({ localesDir: dir }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A cue may list alternatives in two scripts (Cyrillic and the Latin transliteration people type on
 * phones without a Cyrillic keyboard): each alternative works on a message in its script. The cue
 * here is made up for the test, so that nothing else in the files matches its words.
 */
describe('safety screen: a cue with alternatives in two scripts', () => {
  it('matches a message in either script', () => {
    withCue('uk', 'зглупцюкав|zhlupcukav + мене|mene', (screen) => {
      expect(screen.assess('він мене зглупцюкав', ['uk']).alarm?.rule).to.contain('зглупцюкав');
      expect(screen.assess('vin mene zhlupcukav', ['uk']).alarm?.rule).to.contain('zhlupcukav');
    });
  });
});

/**
 * Farsi writes the verb prefix می / نمی joined, with a zero-width joiner, or with a space: "میزند",
 * "می‌زند", "می زند" (he hits). All three fold to one word, so a cue written one way matches the others;
 * Pashto مې ("my") stays apart. Messages written for this test.
 */
describe('fold: the Farsi verb prefix written apart', () => {
  it('joins می and نمی to the verb, not Pashto مې', () => {
    expect(fold('شوهرم می زند')).to.equal(fold('شوهرم میزند'));
    expect(fold('شوهرم می‌زند')).to.equal(fold('شوهرم میزند'));
    expect(fold('نمی خواهم زنده بمانم')).to.equal(fold('نمیخواهم زنده بمانم'));
    expect(words(fold('زوی مې وهي'))).to.have.length(3);
  });

  it('keeps می apart in a message with a letter only Pashto has (مې typed on a Persian keyboard)', () => {
    expect(words(fold('پلار می ما ټکوي'))).to.have.length(4);
    expect(words(fold('زوی می درې کلن دی'))).to.have.length(5);
  });
});

/**
 * Ukrainian is typed with ', ’, ʼ or no apostrophe at all ("б'є", "бʼє", "бє": hits); Somali and English
 * too ("ma'aha", "don't"). An apostrophe inside a word is part of it, so every spelling folds to one word.
 */
describe('fold: an apostrophe inside a word', () => {
  it('folds every apostrophe, and none, to one word', () => {
    for (const form of ["чоловік б'є мене", 'чоловік б’є мене', 'чоловік бʼє мене']) expect(fold(form), form).to.equal(fold('чоловік бє мене'));
    expect(fold("tani ma'aha")).to.equal(fold('tani maaha'));
    expect(fold("i don't understand")).to.equal(fold('i dont understand'));
    expect(fold("'quoted' words")).to.equal('quoted words');
  });
});

/**
 * Two medicine names are danger words of an overdose, and two danger words of one kind raise the reply at once;
 * not when the classifier finds the message an ordinary one by a clear margin: a question about a dose.
 * Messages written for this test.
 */
describe('safety screen: a question about two medicines', () => {
  const screen = SafetyScreen.load();

  it('raises no reply at once on a dose question, and still does on taking them all', () => {
    expect(screen.assess('is it ok to take ibuprofen and paracetamol on the same day', ['en']).alarm).to.equal(undefined);
    expect(screen.assess('kann man paracetamol und ibuprofen am selben tag nehmen', ['de']).alarm).to.equal(undefined);
    expect(screen.assess('he took all the paracetamol and ibuprofen in the house', ['en']).alarm?.kind).to.equal('overdose');
  });
});

/**
 * Cues are looked up by their words' first or last letters, so a message tries only the cues it could match;
 * a long word that forgives one typo is found with the typo near either end, but a typo keeps the first letter
 * ("talked" is no typo of "stalked"). Cue words made up for the test.
 */
describe('safety screen: finding the cues a message could match', () => {
  it('finds a cue by its prefix, its suffix, and a long word with a typo near the start or at the end, not in its first letter', () => {
    withCue('en', 'zzkrumbelt|qqvolt*|*xxwrang + mummers', (screen) => {
      for (const text of ['he zzkrumbelt mummers', 'he zzkrumbelx mummers', 'he zxkrumbelt mummers', 'he qqvolting mummers', 'he ooxxwrang mummers']) {
        expect(screen.assess(text, ['en']).alarm?.rule, text).to.contain('zzkrumbelt');
      }
      expect(screen.assess('he zzkrumxxxx mummers', ['en']).alarm).to.equal(undefined);
      expect(screen.assess('he xzkrumbelt mummers', ['en']).alarm).to.equal(undefined);
    });
  });
});

/** Ordinary messages that raised the 112 reply on 2026-12-06 (written for this test, not taken from a dev set). */
describe('safety screen: look-alikes of a smoke alarm, barbecue smoke and a typo that was another word', () => {
  const plain = SafetyScreen.load();
  it('asks at most, and raises no reply at once, on a smoke alarm battery, barbecue smoke or "talked about violence"', () => {
    for (const [text, lng] of [
      ['where can i buy a new battery for my smoke alarm', 'en'],
      ['сусіди смажать барбекю, дим іде до нас на балкон', 'uk'],
      ['the teacher talked with us about violence in films', 'en'],
      ['у соседей барбекю, дым идёт к нам на балкон', 'ru'],
    ]) {
      expect(plain.assess(text, [lng]).alarm, text).to.equal(undefined);
    }
  });
  it('still raises it on a smoke alarm that goes off with smoke, and on smoke in the flat', () => {
    expect(plain.assess('the smoke alarm is going off and the hall is full of smoke', ['en']).alarm?.kind).to.equal('fire');
    expect(plain.assess('дим у квартирі, допоможіть', ['uk']).alarm?.kind).to.equal('fire');
    expect(plain.assess('дым идёт из подвала, весь подъезд в дыму', ['ru']).alarm?.kind).to.equal('fire');
  });
});
