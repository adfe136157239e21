import { expect } from 'chai';
import { EmbeddedRecognizer } from '../../src/nlu/embeddedRecognizer';
import { evaluate, loadDevSet } from '../../src/nlu/evaluation';

/** Messages of three words or more, written for this test (not training or development phrases). */
const SAMPLES: [string, string][] = [
  ['da', 'hvor kan min datter spille håndbold'],
  ['da', 'jeg forstår ikke brevet fra kommunen'],
  ['en', 'where can my daughter play handball'],
  ['en', 'i do not understand the letter'],
  ['de', 'wo kann meine tochter handball spielen'],
  ['de', 'ich verstehe den brief nicht'],
  ['uk', 'де моя донька може грати в гандбол'],
  ['uk', 'я не розумію цей лист'],
  ['ru', 'где моя дочь может играть в гандбол'],
  ['ru', 'я не понимаю это письмо'],
  ['ar', 'أين يمكن لابنتي أن تلعب كرة اليد'],
  ['ar', 'لا أفهم الرسالة من البلدية'],
  ['fa', 'دخترم کجا میتواند هندبال بازی کند'],
  ['fa', 'من نامه را نمی فهمم'],
  ['ps', 'زما لور چیرته هینډبال کولی شي'],
  ['ps', 'زه په لیک نه پوهیږم'],
  ['ti', 'ጓለይ ኣበይ ሃንድቦል ክትጻወት ትኽእል'],
  ['ti', 'እቲ ደብዳቤ ኣይተረድኣንን'],
  ['so', 'xagee gabadhaydu ku ciyaari kartaa kubadda gacanta'],
  ['so', 'ma fahmin warqadda kommunka'],
  ['ar', 'ana ma fhemt el maktoub'],
  ['fa', 'bebakhshid man kheili nemifahmam'],
  ['ru', 'ya ishchu kvartiru dlya semi'],
  ['uk', 'meni treba znajty robotu'],
  ['ps', 'za pa tonder ke kor ghwaram'],
  // Tigrinya in Latin letters (a phone without a Ge'ez keyboard): Latin-script candidates include ti.
  ['ti', 'gualey nab bet timhirti kemey ilieka'],
  ['ti', 'ane hakim kirey aykealkun'],
];

describe('language identification', () => {
  const recognizer = new EmbeddedRecognizer();

  for (const [lng, text] of SAMPLES) {
    it(`tells ${lng} in ${JSON.stringify(text)}`, () => {
      expect(recognizer.languages.identify(text)?.code).to.equal(lng);
    });
  }

  it('is not swayed by a Danish name in Latin letters inside a message in another script', () => {
    for (const [lng, text] of [
      ['uk', 'як подати скаргу в ankestyrelsen'],
      ['ru', 'как пополнить rejsekort на вокзале'],
      ['ti', 'ናብ borgerservice ከመይ ይኸይድ'],
      ['ar', 'كيف اقرأ digital post على الهاتف'],
    ]) expect(recognizer.languages.identify(text)?.code, text).to.equal(lng);
  });

  it('takes the letters only one language has as decisive: Ukrainian і ї є ґ, Russian ы э ъ ё, the Pashto letters', () => {
    expect(recognizer.languages.identify('де їхня школа')?.code).to.equal('uk');
    expect(recognizer.languages.identify('мы в школу')?.code).to.equal('ru');
    expect(recognizer.languages.identify('زما ښوونځی')?.code).to.equal('ps');
  });

  it('is at least 95 % right on the development set\'s messages of three words or more', () => {
    const report = evaluate(recognizer, loadDevSet());
    expect(report.languageId.total).to.be.greaterThan(1000);
    expect(report.languageId.correct / report.languageId.total).to.be.at.least(0.95);
  });

  it('is less sure when Ukrainian and Russian, or Farsi, Arabic and Pashto, share the words', () => {
    const sureUk = recognizer.languages.identify('я не розумію цей лист')!;
    const sharedCyrillic = recognizer.languages.identify('меню')!;
    expect(sharedCyrillic.confidence).to.be.below(sureUk.confidence);
    expect(sharedCyrillic.confidence).to.be.below(0.9);
    const sharedArabicScript = recognizer.languages.identify('سلام')!;
    expect(['ar', 'fa', 'ps']).to.include(sharedArabicScript.code);
    expect(sharedArabicScript.confidence).to.be.below(0.9);
    expect(sharedArabicScript.alternatives.map((a) => a.code)).to.have.members(['ar', 'fa', 'ps'].filter((c) => c !== sharedArabicScript.code));
  });

  it('does not take a short Danish or English message for Latin-script Russian, Ukrainian, Pashto or Tigrinya', () => {
    for (const text of ['hejsa', 'nyidanmark', 'menu', 'nr 2', 'startover', 'no no', 'du3 modul']) {
      expect(['ru', 'uk', 'ps', 'ti'], text).not.to.include(recognizer.languages.identify(text)?.code);
    }
  });

  it('says nothing for a message without letters', () => {
    expect(recognizer.languages.identify('123 !!')).to.equal(undefined);
    expect(recognizer.languages.identify('')).to.equal(undefined);
  });
});
