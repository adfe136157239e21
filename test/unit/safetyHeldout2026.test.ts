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

/** What a stranger-written held-out set was written to hold, per language. */
interface HeldOutShape {
  intentsPerLanguage: number;
  /** The labels its brief allowed. */
  intents: string[];
  /** Labels each language must have at least this many of. */
  atLeast: Record<string, number>;
  /** Emergencies of each kind per language; the rest of a language's file are ordinary traps. */
  kinds: Record<string, number>;
  trapsPerLanguage: number;
  /**
   * Messages taken out after writing because they were already, word for word, among what the bot learned
   * (removed unread): then each language holds at most the written counts, and the set these totals.
   */
  removed?: { intents: number; safety: number };
}

/**
 * A held-out set written by a session that had not seen the phrases, the dev sets or the earlier held-out sets,
 * and never tuned on. Only its shape and its absence from what the recogniser and the screen learn are checked
 * here; its figures are measured, not asserted.
 */
function describeHeldOutSet(name: string, shape: HeldOutShape): void {
  const dir = join(ROOT, 'test', 'nlu-dev', name);
  describe(`held-out set ${name.replace('heldout-', '')} (never tuned on): intent and safety`, () => {
    const cases = loadSafetyFolder(join(dir, 'safety'));
    const intents = loadDevSet(dir);
    const emergencies = Object.values(shape.kinds).reduce((a, b) => a + b, 0);

    it(`holds ${shape.intentsPerLanguage} intent messages in each of the ten languages over the labels it was written for, which --set accepts`, () => {
      expect(setOption(['--set', dir])).to.equal(dir);
      expect(intents).to.have.length(shape.intentsPerLanguage * NLU_LANGUAGES.length - (shape.removed?.intents ?? 0));
      for (const lng of NLU_LANGUAGES) {
        const mine = intents.filter((c) => c.locale === lng);
        if (shape.removed) expect(mine.length, lng).to.be.within(1, shape.intentsPerLanguage);
        else expect(mine, lng).to.have.length(shape.intentsPerLanguage);
        for (const c of mine) expect(shape.intents, `${lng}: ${c.text}`).to.include(c.intent);
        if (shape.removed) continue;
        for (const [intent, n] of Object.entries(shape.atLeast)) expect(mine.filter((c) => c.intent === intent).length, `${lng} ${intent}`).to.be.at.least(n);
        expect(mine.some((c) => c.intent.startsWith('topic.return_home')), `${lng} return home`).to.equal(true);
        expect(mine.some((c) => ['cmd.back', 'cmd.menu', 'cmd.help', 'cmd.language', 'cmd.delete_data'].includes(c.intent)), `${lng} command`).to.equal(true);
      }
    });

    it(`holds ${emergencies + shape.trapsPerLanguage} safety messages in each of the ten languages: ${emergencies} emergencies of every kind and ${shape.trapsPerLanguage} ordinary traps`, () => {
      expect(cases).to.have.length((emergencies + shape.trapsPerLanguage) * NLU_LANGUAGES.length - (shape.removed?.safety ?? 0));
      for (const lng of NLU_LANGUAGES) {
        const mine = cases.filter((c) => c.locale === lng);
        const count = (n: number, got: number, what: string): unknown => (shape.removed ? expect(got, what).to.be.within(n > 1 ? 1 : 0, n) : expect(got, what).to.equal(n));
        for (const [kind, n] of Object.entries(shape.kinds)) count(n, mine.filter((c) => c.kind === kind).length, `${lng} ${kind}`);
        count(shape.trapsPerLanguage, mine.filter((c) => c.kind === null).length, `${lng} traps`);
      }
    });

    it('is not among the phrases, the dev set or the safety examples and traps', () => {
      const learned = new Set([...allPhrases(loadPhraseBank()).map((p) => fold(p.text)), ...loadDevSet().map((c) => fold(c.text))]);
      for (const lng of NLU_LANGUAGES) {
        const spec = JSON.parse(readFileSync(join(ROOT, 'locales', lng, 'safety.json'), 'utf8')) as SafetyLanguage;
        for (const list of [...Object.values(spec.signals), ...Object.values(spec.examples ?? {}), spec.notAlarms ?? []]) for (const t of list ?? []) learned.add(fold(t));
      }
      const all = [...cases.map((c) => `${c.locale}: ${c.text}`), ...intents.map((c) => `${c.locale}: ${c.text}`)];
      expect(all.filter((t) => learned.has(fold(t.slice(t.indexOf(': ') + 2))))).to.deep.equal([]);
    });
  });
}

const TOPICS_AND_COMMANDS = [
  'topic.work', 'topic.work.language_school', 'topic.work.igu', 'topic.school', 'topic.school.enrol', 'topic.school.daycare',
  'topic.leisure', 'topic.leisure.volunteer_friend', 'topic.money', 'topic.health', 'topic.housing', 'topic.permit',
  'topic.first_weeks', 'topic.everyday', 'topic.complaints', 'topic.return_home', 'topic.return_home.support',
  'topic.return_home.regret', 'cmd.human', 'answer.yes', 'answer.no', 'cmd.back', 'cmd.menu', 'cmd.help', 'cmd.language', 'cmd.delete_data',
];

describeHeldOutSet('heldout-2026-12c', {
  intentsPerLanguage: 20,
  intents: TOPICS_AND_COMMANDS,
  atLeast: {
    'topic.work': 2, 'topic.work.language_school': 2, 'topic.work.igu': 1, 'topic.school.enrol': 2, 'topic.school.daycare': 1,
    'topic.leisure': 1, 'topic.leisure.volunteer_friend': 1, 'topic.money': 1, 'topic.health': 1, 'topic.housing': 1,
    'topic.permit': 1, 'cmd.human': 2, 'answer.yes': 1, 'answer.no': 1,
  },
  kinds: { violence: 3, fire: 2, gas: 1, threat: 2, medical: 2, overdose: 1, self_harm: 2 },
  trapsPerLanguage: 7,
});

// Written 2026-12-02 22:14–22:18 UTC from the labels' one-line meanings only (its README says what the writer did not see).
describeHeldOutSet('heldout-2026-12e', {
  intentsPerLanguage: 31,
  intents: [...TOPICS_AND_COMMANDS, 'cmd.stop'],
  atLeast: {
    'topic.work': 3, 'topic.work.language_school': 3, 'topic.work.igu': 1, 'topic.school.enrol': 3, 'topic.school.daycare': 1,
    'topic.leisure': 1, 'topic.leisure.volunteer_friend': 1, 'topic.money': 1, 'topic.health': 1, 'topic.housing': 1,
    'topic.permit': 1, 'topic.first_weeks': 1, 'topic.everyday': 1, 'topic.complaints': 1, 'topic.return_home.support': 1,
    'cmd.human': 3, 'answer.yes': 1, 'answer.no': 1, 'cmd.back': 1, 'cmd.menu': 1, 'cmd.help': 1,
  },
  kinds: { violence: 5, fire: 2, gas: 2, threat: 3, medical: 3, overdose: 2, self_harm: 3 },
  trapsPerLanguage: 10,
  removed: { intents: 44, safety: 23 },
});

/** The shape the brief of sets 2026-12f to 12i asked for (12h and 12i: 33 intent messages per language, the brief's list adds up to that). */
const BRIEF_12F = {
  intents: [...TOPICS_AND_COMMANDS, 'cmd.stop'],
  atLeast: {},
  kinds: { violence: 6, fire: 3, gas: 3, threat: 4, medical: 5, overdose: 4, self_harm: 5 },
  trapsPerLanguage: 12,
};

// Each written by two blind sessions (its README says what they did not see): 12f on 2026-12-03 11:16–11:20 UTC,
// 12g on 2026-12-03 about 19:58–20:15, 12h on 2026-12-04 about 18:28–18:32, 12i on 2026-12-06 about 22:30–22:42.
describeHeldOutSet('heldout-2026-12f', { ...BRIEF_12F, intentsPerLanguage: 31, removed: { intents: 27, safety: 3 } });
describeHeldOutSet('heldout-2026-12g', { ...BRIEF_12F, intentsPerLanguage: 31, removed: { intents: 34, safety: 20 } });
describeHeldOutSet('heldout-2026-12h', { ...BRIEF_12F, intentsPerLanguage: 33, removed: { intents: 37, safety: 4 } });
describeHeldOutSet('heldout-2026-12i', { ...BRIEF_12F, intentsPerLanguage: 33, removed: { intents: 48, safety: 15 } });
// 12j: three blind sessions on 2026-12-07 about 02:50–03:10 UTC, asked for more varied wording than 12f–12i.
describeHeldOutSet('heldout-2026-12j', { ...BRIEF_12F, intentsPerLanguage: 33, removed: { intents: 37, safety: 4 } });
// 12k: three blind sessions on 2026-12-07 about 22:50–22:55 UTC, the brief of 12j.
describeHeldOutSet('heldout-2026-12k', { ...BRIEF_12F, intentsPerLanguage: 33, removed: { intents: 49, safety: 21 } });
// 12l: three blind sessions on 2026-12-08 about 01:54–02:01 UTC, the brief of 12j with a third of the messages of
// ar, fa, ps, ti, uk and ru in Latin letters.
describeHeldOutSet('heldout-2026-12l', { ...BRIEF_12F, intentsPerLanguage: 33, removed: { intents: 46, safety: 35 } });

describe('--set <folder> of nlu:eval and nlu:routing', () => {
  it('gives the folder, nothing without the option, and a clear error for a missing folder', () => {
    expect(setOption(['--set', SET])).to.equal(SET);
    expect(setOption([])).to.equal(undefined);
    expect(() => setOption(['--set'])).to.throw(/needs a folder/);
    expect(() => setOption(['--set', join(SET, 'nope')])).to.throw(/no such folder/);
  });
});
