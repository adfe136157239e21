import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fold } from '../../src/nlu/fold';
import { loadDevSet } from '../../src/nlu/evaluation';
import { NLU_LANGUAGES } from '../../src/nlu/languages';
import { allPhrases, loadPhraseBank } from '../../src/nlu/phrases';
import { SafetyScreen, type SafetyLanguage } from '../../src/nlu/safety';
import { evaluateSafety, loadSafetyFolder } from '../../src/nlu/safetyEvaluation';
import { loadRoutingSet } from '../../src/nlu/routing';
import { setOption } from '../../src/nlu/tools/setOption';

const ROOT = join(__dirname, '..', '..');
const SET = join(ROOT, 'test', 'nlu-dev', 'heldout-2026-12');

/**
 * Messages of the set that were already, word for word, among main's phrases when the set was written
 * (common short phrasings written twice independently). Nothing may be added to this list: a held-out
 * message copied into the phrases, examples or traps afterwards fails the test below.
 */
const ALREADY_IN_THE_PHRASES = new Set([
  'ich will nicht mehr leben',
  'дитина не дихає',
  'у мене четверо дітей',
  'ребенок не дышит',
  'میړه مې ما وهي',
  'کور اور اخیستی',
  'ሽታ ጋዝ ኣሎ',
  'gurigu wuu gubanayaa',
  'what does igu mean',
  'when is my benefit paid',
  'wann bekomme ich mein geld',
  'що таке igu',
  'что такое igu',
  'хочу вернуться на родину',
  'главное меню',
  'شو يعني igu',
  'القائمة الرئيسية',
  'زه کار غواړم',
  'igu څه شی دی',
  'پیسې مې کله راځي',
  'igu እንታይ እዩ',
  'ናብ ሃገረይ ክምለስ እደሊ',
  'ቋንቋ ቀይር',
  'waa maxay igu',
  'dib u noqo',
  'wie viel geld bekomme ich im monat',
  'ماهی چقدر پول میگیرم',
]);

/**
 * The held-out set of 2026-12 (test/nlu-dev/heldout-2026-12), written before the screen was tuned
 * and never tuned on. The figures asserted are the ones reached (recall 107/110, false alarms 3/60),
 * not the goal (100 % and ≤ 1 %): a change that makes them worse fails here.
 */
describe('safety screen on the held-out set 2026-12 (never tuned on)', () => {
  const cases = loadSafetyFolder(join(SET, 'safety'));

  it('holds 17 messages in each of the ten languages, emergencies of every kind and ordinary traps', () => {
    for (const lng of NLU_LANGUAGES) {
      const mine = cases.filter((c) => c.locale === lng);
      expect(mine, lng).to.have.length(17);
      expect(new Set(mine.filter((c) => c.kind).map((c) => c.kind)), lng).to.have.keys(['violence', 'fire', 'gas', 'threat', 'medical', 'overdose', 'self_harm']);
      expect(mine.filter((c) => c.kind === null).length, lng).to.be.at.least(6);
    }
  });

  it('is not among the phrases, examples or traps the screen and the recogniser learn from (but for what was there before it)', () => {
    const learned = new Set(allPhrases(loadPhraseBank()).map((p) => fold(p.text)));
    for (const lng of NLU_LANGUAGES) {
      const spec = JSON.parse(readFileSync(join(ROOT, 'locales', lng, 'safety.json'), 'utf8')) as SafetyLanguage;
      for (const list of [...Object.values(spec.signals), ...Object.values(spec.examples ?? {}), spec.notAlarms ?? []]) for (const t of list ?? []) learned.add(fold(t));
    }
    const intents = loadDevSet(SET);
    const routing = loadRoutingSet(join(SET, 'routing'));
    const all = [...cases.map((c) => c.text), ...intents.map((c) => c.text), ...routing.map((c) => c.text)];
    expect(all.filter((t) => learned.has(fold(t)) && fold(t).split(' ').length > 1 && !ALREADY_IN_THE_PHRASES.has(t))).to.deep.equal([]);
  });

  it('catches at least 107 of the 110 emergencies at once and raises at most 3 false alarms on the 60 ordinary messages', function () {
    this.timeout(60_000);
    const report = evaluateSafety(SafetyScreen.load(), cases);
    expect(report.recall.total).to.equal(110);
    expect(report.recall.correct, 'emergencies answered with the emergency reply').to.be.at.least(107);
    expect(report.falseAlarms.total).to.equal(60);
    expect(report.falseAlarms.correct, 'ordinary messages that raised an alarm').to.be.at.most(3);
  });
});

describe('--set <folder> of nlu:eval and nlu:routing', () => {
  it('gives the folder, nothing without the option, and a clear error for a missing folder', () => {
    expect(setOption(['--set', SET])).to.equal(SET);
    expect(setOption([])).to.equal(undefined);
    expect(() => setOption(['--set'])).to.throw(/needs a folder/);
    expect(() => setOption(['--set', join(SET, 'nope')])).to.throw(/no such folder/);
  });
});
