import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCALES_DIR } from '../../src/i18n';
import { DangerWords } from '../../src/nlu/dangerWords';
import { fold } from '../../src/nlu/fold';
import type { NluLanguage } from '../../src/nlu/languages';
import { SafetyScreen } from '../../src/nlu/safety';
import { SKELETON_LANGUAGES, skeleton } from '../../src/nlu/skeleton';

/** Consonant skeletons (src/nlu/skeleton.ts): one form for a word in its own script and as typed in Latin letters. */
describe('consonant skeletons of words in their own script and in Latin letters', () => {
  const sameSkeleton = (language: NluLanguage, want: string, ...spellings: string[]): void => {
    for (const s of spellings) expect(skeleton(fold(s), language), `${language} ${s}`).to.equal(want);
  };

  it('Arabic and Arabizi, with its digits for letters', () => {
    sameSkeleton('ar', 'drbn', 'ضربني', 'darabni', 'drabni', 'Darabny');
    sameSkeleton('ar', 'hls', 'خلاص', '5alas', 'khalas', '7alas');
  });

  it('Farsi and Pashto, as written and in Latin letters (Farsi ق is gh)', () => {
    sameSkeleton('fa', 'ts', 'آتش', 'atesh', 'atash', 'aatish');
    sameSkeleton('fa', 'hrs', 'قرص', 'ghors', 'ghurs');
    sameSkeleton('ps', 'sht', 'سخت', 'sakht', 'sakhth');
  });

  it('Russian and Ukrainian in translit (Ukrainian г is h)', () => {
    sameSkeleton('ru', 'bmkt', 'помогите', 'pomogite', 'pamagite');
    sameSkeleton('ru', 'klv', 'голова', 'golova');
    sameSkeleton('uk', 'hlv', 'голова', 'holova');
  });

  it('Tigrinya syllables by their consonant', () => {
    sameSkeleton('ti', 'kz', 'ጋዝ', 'gaz', 'gaaz');
    sameSkeleton('ti', 'h', 'ሓዊ', 'hawi');
  });

  it('keeps a number a number, and tells a doubled letter from two with a vowel between', () => {
    expect(skeleton(fold('40 3ala'), 'ar')).to.equal('40 l');
    expect(skeleton(fold('kassar'), 'ar')).to.equal(skeleton(fold('كسّر'), 'ar'));
    expect(skeleton(fold('bab'), 'ar')).to.equal(skeleton(fold('باب'), 'ar'));
    expect(skeleton(fold('bab'), 'ar')).to.equal('bb');
  });
});

/**
 * Someone whose language has another script, typing in Latin letters: the screen also compares the message's
 * skeleton with its cues and examples. The messages were written for this test, not taken from any set.
 */
describe('safety screen: a language of another script typed in Latin letters', () => {
  const screen = SafetyScreen.load();

  it('raises the reply at once, in the person\'s language, where only the cues in their own script know the words', () => {
    for (const [text, language, kind] of [
      ['moy muzh ugrozhayet mne nozhom', 'ru', 'threat'],
      ['el wled sharbo mawad tanzif', 'ar', 'overdose'],
    ] as const) {
      const a = screen.assess(text, [language]);
      expect(a.alarm?.kind, text).to.equal(kind);
      expect(a.alarm?.language, text).to.equal(language);
      expect(a.alarm?.rule, text).to.contain('in Latin letters');
    }
  });

  it('raises it from the skeletons of the classifier\'s examples too', () => {
    for (const [text, kind] of [
      ['sebeyey bkara yfarrhani alo', 'threat'],
      ['wedey merzi sitiyu', 'overdose'],
    ] as const) {
      const a = screen.assess(text, ['ti']);
      expect(a.alarm?.kind, text).to.equal(kind);
      expect(a.alarm?.language, text).to.equal('ti');
    }
  });

  it('asks "are you in danger?" where it said nothing before', () => {
    for (const [text, language] of [
      ['wa7ed 3am ykasser el bab w bdo yfout', 'ar'],
      ['3am yetla3 dakhan men el shaqqa', 'ar'],
      ['bacheh mavad shooyande khord', 'fa'],
      // only a Tigrinya danger word (danger.json) by skeleton: "burning"
      ['gezana bhawi tetaqatila', 'ti'],
    ] as const) {
      const a = screen.assess(text, [language]);
      expect(a.alarm !== undefined || a.borderline !== undefined, text).to.equal(true);
    }
  });

  it('reads Latin letters this way only for someone whose language has another script', () => {
    for (const text of ['moy muzh ugrozhayet mne nozhom', 'el wled sharbo mawad tanzif', 'wedey merzi sitiyu']) {
      expect(screen.assess(text, ['en']).alarm, text).to.equal(undefined);
      expect(screen.assess(text, ['da']).alarm, text).to.equal(undefined);
    }
  });

  it('raises no alarm on ordinary messages in Latin letters, also where skeletons of unlike words meet', () => {
    for (const [text, language] of [
      ['bade a3ref wen el madrase', 'ar'],
      ['ibni bado ysajjel bel nadi tab3 el koura', 'ar'],
      ['mikham kar peyda konam', 'fa'],
      // "kharidam" (I bought) and "khordam" (I ate) have one skeleton
      ['ghors sarmakhordegi kharidam, behtar shodam', 'fa'],
      ['gde mozhno uchit datskiy yazyk', 'ru'],
      ['koly pochynayetsya shkola dlya syna', 'uk'],
      ['za ghwaram kar peyda kram', 'ps'],
      ['ab tonder sra kedele', 'ti'],
    ] as const) {
      expect(screen.assess(text, [language]).alarm, text).to.equal(undefined);
    }
  });
});

describe('safety screen: Latin letters in the language the message was identified as', () => {
  const screen = SafetyScreen.load();

  it('reads them by skeleton in that language when the user\'s own is another, and answers in it', () => {
    expect(screen.assess('moy muzh ugrozhayet mne nozhom', ['da', 'ru']).alarm?.language).to.equal('ru');
    expect(screen.assess('moy muzh ugrozhayet mne nozhom', ['da']).alarm).to.equal(undefined);
  });
});

describe('danger words (danger.json) of a language of another script, as skeletons', () => {
  it('each one-word danger word is found in its own skeleton, also those with sh, ch or their letters (ش, ч, ሸ)', () => {
    const danger = DangerWords.load();
    for (const language of SKELETON_LANGUAGES) {
      const asSkeletons = danger.inSkeletons(language, 3)!;
      const lists = JSON.parse(readFileSync(join(LOCALES_DIR, language, 'danger.json'), 'utf8')) as Record<string, unknown>;
      const missed: string[] = [];
      for (const entries of Object.values(lists)) {
        if (!Array.isArray(entries)) continue;
        for (const entry of entries as string[]) {
          if (/[\s=*#^]/.test(entry) || /\p{Script=Latin}/u.test(entry)) continue;
          const word = skeleton(fold(entry), language);
          if (word.length < 3) continue;
          if (!asSkeletons.strongest(word)) missed.push(entry);
        }
      }
      expect(missed, language).to.deep.equal([]);
    }
  });
});
