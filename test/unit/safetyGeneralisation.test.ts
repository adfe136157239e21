import { expect } from 'chai';
import { EmbeddedRecognizer } from '../../src/nlu/embeddedRecognizer';
import { loadLanguageSamples } from '../../src/nlu/languageId';
import { NLU_LANGUAGES } from '../../src/nlu/languages';
import { SafetyScreen, type SafetyKind } from '../../src/nlu/safety';

/**
 * The safety screen on phrasings that are not among its phrases, examples or dev set: other verbs,
 * pronouns and word orders, clitics and vowel changes, weak evidence that asks, and the traps.
 */
describe('safety screen: generalisation', () => {
  const screen = SafetyScreen.load();
  const kindOf = (text: string, lng: string): SafetyKind | undefined => screen.assess(text, [lng]).alarm?.kind;

  const EMERGENCIES: [string, SafetyKind, string[]][] = [
    ['en', 'violence', ['he shoved my mother against the wall', 'against the wall he threw my sister', 'she is choking me by the throat']],
    ['en', 'threat', ['a stranger is trying the handle of our back door', 'our front door someone is forcing']],
    ['en', 'medical', ['my dad has crushing pain in his chest', 'her lips are blue and she is limp']],
    ['en', 'overdose', ['my little boy drank some bleach', 'she swallowed a dishwasher tablet']],
    ['en', 'self_harm', ['i cannot carry on any more', 'my kids would be better if i was gone', 'i have been slashing my wrists', 'tired of living']],
    ['da', 'violence', ['han kastede mig ned ad trappen', 'ned ad trappen skubbede han hende']],
    ['da', 'self_harm', ['jeg har skrevet et afskedsbrev til min mor', 'jeg vil gøre en ende på det hele']],
    ['de', 'self_harm', ['ich habe mich geritzt', 'ohne mich wäre meine familie glücklicher']],
    ['de', 'medical', ['ihre lippen werden blau', 'er hat brustschmerzen und schwitzt']],
    ['uk', 'medical', ['малюк посинів', 'у батька сильний біль у грудях']],
    ['ru', 'fire', ['у соседей загорелась кухня']],
    ['ru', 'self_harm', ['я больше не могу жить']],
    ['ar', 'medical', ['وقع وفاقد الوعي', 'امي عندها وجع قوي بصدرها']],
    ['ar', 'self_harm', ['ما في سبب لأعيش بعد اليوم']],
    ['fa', 'fire', ['آشپزخونه آتیش گرفته']],
    ['fa', 'self_harm', ['دیگه نمیتونم زندگی کنم']],
    ['ps', 'threat', ['یو څوک زما پسې ګرځي']],
    ['ti', 'self_harm', ['ብዘይ ኣነ ይሓይሾም']],
    ['so', 'medical', ['ilmaha wuu buluug noqday']],
  ];
  for (const [lng, kind, texts] of EMERGENCIES) {
    for (const text of texts) {
      it(`${lng} ${kind}: ${JSON.stringify(text)}`, () => {
        const got = kindOf(text, lng);
        expect(got === kind || (['violence', 'threat'].includes(kind) && ['violence', 'threat'].includes(got ?? '')), `${text} → ${got}`).to.equal(true);
      });
    }
  }

  it('matches the words of a cue in any order', () => {
    for (const [text, lng] of [
      ['my brother threw me against the wall', 'en'],
      ['against the wall my brother threw me', 'en'],
      ['min kæreste skubbede mig ned ad trappen', 'da'],
      ['ned ad trappen skubbede min kæreste mig', 'da'],
    ]) expect(kindOf(text, lng), text).to.equal('violence');
  });

  it('answers 112 first to a sentence of not wanting to live that begins with "no" (a yes/no step)', () => {
    for (const [text, lng] of [
      ["no. i can't go on like this", 'en'],
      ['nej, jeg orker ikke at leve mere', 'da'],
      ['ні, я більше не можу так жити', 'uk'],
      ['لا، ما عاد فيني كمل هيك', 'ar'],
    ]) {
      const a = screen.assess(text, [lng]);
      expect(a.alarm?.kind, text).to.equal('self_harm');
      expect(screen.reply(lng, a.alarm!.kind)[1]).to.contain('112');
    }
  });

  it('asks "are you in danger?" on weak evidence instead of staying silent', () => {
    for (const [text, lng] of [
      ["i don't feel safe at home", 'en'],
      ['i am scared of my husband', 'en'],
      ['jeg er bange for min mand', 'da'],
      ['ich habe angst vor meinem mann', 'de'],
    ]) {
      const a = screen.assess(text, [lng]);
      expect(a.alarm, text).to.equal(undefined);
      expect(a.borderline, text).to.not.equal(undefined);
    }
  });

  it('stays calm on the traps: Danish "fire" = four, English "fire" = dismiss, idioms, the ambulance driver', () => {
    for (const [text, lng] of [
      ['vi er fire i familien', 'da'],
      ['bussen kører klokken fire', 'da'],
      ['fire af mine venner bor i tønder', 'da'],
      ['my manager threatened to fire me if i am late', 'en'],
      ['the restaurant fired three cooks', 'en'],
      ["I'm on fire today", 'en'],
      ['my brother works as an ambulance driver in esbjerg', 'en'],
      ['my son is turning the pages of his book', 'en'],
      ['jeg er ved at dø af sult', 'da'],
      ['я умираю с голоду', 'ru'],
      ['اخوي سائق سيارة اسعاف', 'ar'],
      ['ورور مې د امبولانس ډریور دی', 'ps'],
      ['wiilkaygu wuxuu rabaa inuu noqdo dab damiye', 'so'],
      ['ከኒናታተይ ንግሆ ወሲደ', 'ti'],
    ]) expect(screen.assess(text, [lng]), text).to.deep.equal({});
  });
});

describe('language id: Latin-script Farsi and Arabic, and the extra samples', () => {
  const recognizer = new EmbeddedRecognizer();

  it('reads the extra samples of the languages that have them', () => {
    const samples = loadLanguageSamples();
    for (const lng of ['ar', 'fa'] as const) expect(samples.filter((s) => s.language === lng).length, lng).to.be.at.least(20);
    expect(samples.every((s) => (NLU_LANGUAGES as readonly string[]).includes(s.language))).to.equal(true);
  });

  it('tells Farsi and Arabic written in Latin letters from Danish, English and Somali', () => {
    for (const [text, lng] of [
      ['man mikham ye kelase zaban peyda konam', 'fa'],
      ['shoharam kar peyda nakarde', 'fa'],
      ['ana badi et3allam danmarki', 'ar'],
      ['shu lazem a3mel la la2i beit', 'ar'],
    ]) expect(recognizer.languages.identify(text)?.code, text).to.equal(lng);
  });
});
