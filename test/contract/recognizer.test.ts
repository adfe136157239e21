import { expect } from 'chai';
import { loadConfig } from '../../src/config';
import { Metrics } from '../../src/metrics';
import { CluRecognizer } from '../../src/nlu/cluRecognizer';
import { EmbeddedRecognizer } from '../../src/nlu/embeddedRecognizer';
import { createRecognizer } from '../../src/nlu/index';
import { INTENTS } from '../../src/nlu/intents';
import type { Recognizer } from '../../src/nlu/recognizer';
import { startFakeClu, type FakeClu } from '../support/fakeClu';

/** Clear messages in every language, written for this suite (not training or development phrases). */
const CLEAR: [string, string, string][] = [
  ['da', 'jeg leder efter et arbejde i tønder', 'topic.work'],
  ['da', 'hvordan melder jeg min søn ind i skolen', 'topic.school.enrol'],
  ['en', 'i would like to learn danish', 'topic.work.language_school'],
  ['en', 'delete my data please', 'cmd.delete_data'],
  ['de', 'ich möchte in meine heimat zurückkehren', 'topic.return_home'],
  ['de', 'nein danke', 'answer.no'],
  ['uk', 'мені потрібен садочок для дитини', 'topic.school.daycare'],
  ['ru', 'хочу поговорить с человеком', 'cmd.human'],
  ['ar', 'أريد أن أرجع إلى بلدي', 'topic.return_home'],
  ['ar', 'نعم', 'answer.yes'],
  ['fa', 'میخواهم زبان را تغییر بدهم', 'cmd.language'],
  ['ps', 'زه کار غواړم', 'topic.work'],
  ['ti', 'ሓገዝ የድልየኒ', 'cmd.help'],
  ['so', 'waxaan rabaa inaan shaqo helo', 'topic.work'],
];

/** One contract for every Recognizer implementation. */
function recognizerContract(name: string, make: () => Promise<{ recognizer: Recognizer; teardown?: () => Promise<void> }>): void {
  describe(`Recognizer contract: ${name}`, () => {
    let recognizer: Recognizer;
    let teardown: (() => Promise<void>) | undefined;
    before(async () => ({ recognizer, teardown } = await make()));
    after(async () => teardown?.());

    for (const [locale, text, intent] of CLEAR) {
      it(`understands ${JSON.stringify(text)} (${locale}) as ${intent}`, async () => {
        const r = await recognizer.recognize(text, locale);
        expect(r.intent).to.equal(intent);
        expect(r.score).to.be.within(0, 1);
        expect(r.language?.code).to.equal(locale);
      });
    }

    it('answers only with the project intents and a score from 0 to 1', async () => {
      for (const text of ['hvad er igu', 'football club for kids', 'bye', 'qwzx vbnm']) {
        const r = await recognizer.recognize(text, 'da');
        expect(INTENTS).to.include(r.intent);
        expect(r.score).to.be.within(0, 1);
      }
    });

    it('reads numeric answers in Latin, Arabic-Indic, Persian and Ethiopic digits and in words', async () => {
      for (const [text, number] of [['2', 2], ['٢', 2], ['۲', 2], ['፫', 3], ['nummer 4', 4], ['two', 2], ['zwei', 2], ['две', 2], ['ثلاثة', 3], ['دو', 2], ['laba', 2], ['ክልተ', 2]] as const) {
        const r = await recognizer.recognize(text, 'da');
        expect(r.entities?.number, text).to.equal(number);
        expect(r.intent, text).to.equal('none');
      }
    });

    it('says none to gibberish and to an empty message, and never rejects', async () => {
      expect((await recognizer.recognize('xqzvbw plokmij', 'en')).intent).to.equal('none');
      expect((await recognizer.recognize('', 'en')).intent).to.equal('none');
      expect((await recognizer.recognize('   ', 'xx')).intent).to.equal('none');
      const long = await recognizer.recognize('arbejde '.repeat(500), 'da');
      expect(long.intent).to.equal('topic.work');
    });

    it('gives the same answer twice (deterministic)', async () => {
      const a = await recognizer.recognize('kan min datter gå til fodbold', 'da');
      const b = await recognizer.recognize('kan min datter gå til fodbold', 'da');
      expect(a).to.deep.equal(b);
    });

    it('tells the language with a confidence, lower for a message that could be Ukrainian or Russian', async () => {
      const clear = await recognizer.recognize('мені потрібна допомога з роботою будь ласка', 'da');
      expect(clear.language?.code).to.equal('uk');
      const shared = await recognizer.recognize('меню', 'da');
      expect(['uk', 'ru']).to.include(shared.language?.code);
      expect(shared.language!.confidence).to.be.below(clear.language!.confidence);
      expect(shared.language!.alternatives.map((a) => a.code)).to.include(shared.language!.code === 'uk' ? 'ru' : 'uk');
    });
  });
}

const embedded = new EmbeddedRecognizer();

recognizerContract('embedded', async () => ({ recognizer: embedded }));

let clu: FakeClu;
let cluMetrics: Metrics;
recognizerContract('Azure CLU (real SDK client, local CLU service)', async () => {
  clu = await startFakeClu({ key: 'test-key', classifier: embedded });
  cluMetrics = new Metrics({ defaultMetrics: false });
  const config = loadConfig({ CLU_ENDPOINT: clu.endpoint, CLU_KEY: 'test-key', CLU_PROJECT: 'tonder', CLU_DEPLOYMENT: 'production' });
  const recognizer = createRecognizer(config, cluMetrics, embedded);
  expect(recognizer).to.be.instanceOf(CluRecognizer);
  return {
    recognizer,
    teardown: async () => {
      // The suite was answered by CLU itself, not by the fallback.
      expect(clu.requests.length).to.be.greaterThan(CLEAR.length);
      expect(await cluMetrics.registry.metrics()).to.not.match(/^nlu_clu_fallbacks_total\{/m);
      await clu.close();
    },
  };
});
