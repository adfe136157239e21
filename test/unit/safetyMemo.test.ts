import { expect } from 'chai';
import { SafetyMemo, SAFETY_MEMO_MAX_CHARS } from '../../src/bot/safetyMemo';
import { SafetyScreen } from '../../src/nlu/safety';
import { loadSafetySet } from '../../src/nlu/safetyEvaluation';

describe('SafetyMemo', function () {
  this.timeout(60000);
  let screen: SafetyScreen;
  before(() => {
    screen = SafetyScreen.load();
  });

  const TEXTS = [
    '1', '2', 'yes', 'no', 'ja', 'nej', 'hello', 'menu', 'Talk to a person', 'fire!', 'help', 'hjælp',
    'he will kill me', 'my husband beats me', 'i want to kill myself', 'there is a fire in the kitchen',
    'the queue is killing me', 'fire kroner', 'брат б\'є мене', 'أريد أن أموت', 'ich will mich umbringen',
    'a'.repeat(SAFETY_MEMO_MAX_CHARS), `${'a'.repeat(SAFETY_MEMO_MAX_CHARS - 12)} kill myself`,
    'my husband beats me every day and I am afraid to go home tonight',
    'I would like to know where I can learn Danish and when the next course starts',
    'jeg vil tage mit liv, jeg kan ikke mere og ingen hjælper mig med noget',
  ];
  const LANGUAGES: string[][] = [[], ['en'], ['da'], ['ar'], ['uk']];

  it('returns what the screen returns, the first time and from memory, for short and long texts', () => {
    const memo = new SafetyMemo(screen);
    for (let round = 0; round < 2; round++) {
      for (const languages of LANGUAGES) for (const text of TEXTS) expect(memo.assess(text, languages), `${languages.join(',')} ${text}`).to.deep.equal(screen.assess(text, languages));
    }
    expect(memo.size).to.equal(LANGUAGES.length * TEXTS.filter((t) => t.length <= SAFETY_MEMO_MAX_CHARS).length);
  });

  it('returns what the screen returns for every message of the safety dev set, in its own and another language', () => {
    const memo = new SafetyMemo(screen);
    const cases = loadSafetySet('dev');
    expect(cases.length).to.be.greaterThan(100);
    for (let round = 0; round < 2; round++) {
      for (const c of cases) {
        for (const languages of [[c.locale], ['en']]) expect(memo.assess(c.text, languages), c.text).to.deep.equal(screen.assess(c.text, languages));
      }
    }
  });

  it('keeps no more than its bound, the oldest going first, and still answers right', () => {
    const memo = new SafetyMemo(screen, 3);
    for (let round = 0; round < 2; round++) for (const text of TEXTS) expect(memo.assess(text, ['en'])).to.deep.equal(screen.assess(text, ['en']));
    expect(memo.size).to.equal(3);
  });

  it('gives a frozen assessment that no caller can change for the next', () => {
    const memo = new SafetyMemo(screen);
    const a = memo.assess('he will kill me', ['en']);
    expect(a.alarm).to.not.equal(undefined);
    expect(Object.isFrozen(a)).to.equal(true);
    expect(Object.isFrozen(a.alarm)).to.equal(true);
    expect(memo.assess('he will kill me', ['en'])).to.equal(a);
  });
});
