import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { EmbeddedRecognizer } from '../../src/nlu/embeddedRecognizer';
import { fold } from '../../src/nlu/fold';
import { INTENTS, isIntent, type Intent } from '../../src/nlu/intents';
import { loadPhraseBank } from '../../src/nlu/phrases';
import { NLU_LANGUAGES } from '../../src/nlu/languages';
import { WordLexicon } from '../../src/nlu/wordLexicon';
import { LOCALES_DIR } from '../../src/i18n';

const score = (lexicon: WordLexicon<Intent>, text: string) => Object.fromEntries(lexicon.score(fold(text)));

describe('topic words (locales/<lng>/topics.json)', () => {
  const lexicon = new WordLexicon<Intent>([
    {
      'topic.health': ['doctor', '*arzt', '*طبيب', '=gp'],
      'topic.everyday': ['=bus', 'driving licence'],
      'topic.housing': ['deposit'],
      'topic.money': ['deposit'],
    },
  ], isIntent);

  it('matches a stem at the start of a word, a part inside a word, an exact word and a phrase', () => {
    expect(score(lexicon, 'Two DOCTORS said so')).to.deep.equal({ 'topic.health': 1 });
    expect(score(lexicon, 'Wo ist ein Zahnarzt?')).to.deep.equal({ 'topic.health': 1 });
    expect(score(lexicon, 'أريد أن أذهب للطبيب')).to.deep.equal({ 'topic.health': 1 });
    expect(score(lexicon, 'my gp is away')).to.deep.equal({ 'topic.health': 1 });
    expect(score(lexicon, 'my gps is broken')).to.deep.equal({});
    expect(score(lexicon, 'the bus to Bredebro')).to.deep.equal({ 'topic.everyday': 1 });
    expect(score(lexicon, 'my business')).to.deep.equal({});
    // A phrase of two words counts as two: it says more than either word alone.
    expect(score(lexicon, 'can I use my driving licence from Syria')).to.deep.equal({ 'topic.everyday': 2 });
    expect(score(lexicon, 'a licence')).to.deep.equal({});
  });

  it('shares a word two topics list between them, and counts a word once however often it appears', () => {
    expect(score(lexicon, 'deposit')).to.deep.equal({ 'topic.housing': 0.5, 'topic.money': 0.5 });
    expect(score(lexicon, 'doctor doctor doctor')).to.deep.equal({ 'topic.health': 1 });
  });

  it('every language has topic words for every topic, and the files hold only topic intents', () => {
    const bank = loadPhraseBank();
    const topics = INTENTS.filter((i) => i.startsWith('topic.'));
    for (const lng of NLU_LANGUAGES) {
      const words = bank[lng].topics ?? {};
      for (const topic of topics) expect(words[topic], `${lng} ${topic}`).to.be.an('array').that.is.not.empty;
    }
  });

  it('a stranger who names the thing but not in any example sentence still reaches the topic', () => {
    const recognizer = new EmbeddedRecognizer();
    const withoutWords = loadPhraseBank();
    for (const lng of NLU_LANGUAGES) withoutWords[lng].topics = {};
    const bare = new EmbeddedRecognizer(withoutWords);
    // Written for this test, not taken from the phrases or the dev sets.
    const cases: [string, string, string][] = [
      ['my molar has been aching for a week', 'en', 'topic.health'],
      ['can my fiancée join me here from asmara', 'en', 'topic.permit'],
      ['قديش بياخد الحكيم على الكشفية', 'ar', 'topic.health'],
      ['the landlord keeps my deposit after I moved out', 'en', 'topic.housing'],
    ];
    let gained = 0;
    for (const [text, lng, intent] of cases) {
      const got = recognizer.recognizeNow(text, lng).intent;
      expect(got, text).to.equal(intent);
      if (bare.recognizeNow(text, lng).intent !== intent) gained += 1;
    }
    expect(gained, 'the topic words make a difference on at least one of these').to.be.greaterThan(0);
  });

  it('a topics.json with an unknown intent or a non-list stops with the file named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topics-'));
    for (const lng of readdirSync(LOCALES_DIR)) {
      mkdirSync(join(dir, lng));
      cpSync(join(LOCALES_DIR, lng, 'nlu.json'), join(dir, lng, 'nlu.json'));
    }
    writeFileSync(join(dir, 'en', 'topics.json'), JSON.stringify({ 'topic.weather': ['rain'] }));
    expect(() => loadPhraseBank(dir)).to.throw(/en[\\/]topics\.json: "topic\.weather" is not a label of the topic words/);
    writeFileSync(join(dir, 'en', 'topics.json'), JSON.stringify({ 'topic.health': 'doctor' }));
    expect(() => loadPhraseBank(dir)).to.throw(/"topic\.health" must be a list/);
    writeFileSync(join(dir, 'en', 'topics.json'), '{ not json');
    expect(() => loadPhraseBank(dir)).to.throw(/cannot read the topic words/);
    // A correct file is read.
    writeFileSync(join(dir, 'en', 'topics.json'), readFileSync(join(LOCALES_DIR, 'en', 'topics.json')));
    expect(loadPhraseBank(dir).en.topics?.['topic.health']).to.be.an('array');
  });
});
