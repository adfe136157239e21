import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { DangerWords } from '../../src/nlu/dangerWords';
import { fold } from '../../src/nlu/fold';
import { SafetyScreen } from '../../src/nlu/safety';
import { LOCALES_DIR } from '../../src/i18n';
import { NLU_LANGUAGES } from '../../src/nlu/languages';

describe('danger words (locales/<lng>/danger.json): the net under the safety screen', () => {
  const words = new DangerWords([{ medical: ['bleed', '=blod'], violence: ['*schlag'], self_harm: ['no reason to live'] }]);

  it('names the kind of the strongest danger word, by stem, part of a word or phrase', () => {
    expect(words.kindOf(fold('she is bleeding a lot'))).to.equal('medical');
    expect(words.kindOf(fold('er hat mich geschlagen'))).to.equal('violence');
    expect(words.kindOf(fold('I have no reason to live anymore'))).to.equal('self_harm');
    expect(words.kindOf(fold('where is the bus'))).to.equal(undefined);
  });

  // These build two or three screens, each training its classifier (seconds apiece on a loaded machine).
  it('makes the screen ask, not alarm, on one danger word when nothing else in the message raised anything', function () {
    this.timeout(90_000);
    const plain = SafetyScreen.load();
    const text = 'my neighbour Omar is blødning from his arm';
    const withNet = new SafetyScreen(plain.languages, { emergency_112: '112', out_of_hours_doctor: '1', crisis_line: '2' }, { danger: new DangerWords([{ medical: ['blødning'] }]) });
    const without = new SafetyScreen(plain.languages, { emergency_112: '112', out_of_hours_doctor: '1', crisis_line: '2' });
    expect(without.assess(text, ['en']), 'the screen alone').to.deep.equal({});
    const a = withNet.assess(text, ['en']);
    expect(a.alarm).to.equal(undefined);
    expect(a.borderline?.kind).to.equal('medical');
    expect(a.borderline?.via).to.equal('words');
  });

  it('counts how many distinct danger words of the strongest kind a message holds', () => {
    expect(words.strongest(fold('she is bleeding, there is blod everywhere'))).to.deep.equal({ kind: 'medical', score: 2, entries: 2 });
    expect(words.strongest(fold('she is bleeding'))).to.deep.equal({ kind: 'medical', score: 1, entries: 1 });
    expect(words.strongest(fold('she is bleeding'), () => true), 'a common word counts for nothing').to.equal(undefined);
  });

  it('raises the reply at once for two danger words of one kind that the classifier reads as no more ordinary than an emergency', function () {
    this.timeout(90_000);
    const plain = SafetyScreen.load();
    const facts = { emergency_112: '112', out_of_hours_doctor: '1', crisis_line: '2' };
    const text = 'my neighbour Omar is blødning, blod everywhere';
    const one = new SafetyScreen(plain.languages, facts, { danger: new DangerWords([{ medical: ['blødning'] }]) }).assess(text, ['en']);
    const two = new SafetyScreen(plain.languages, facts, { danger: new DangerWords([{ medical: ['blødning', '=blod'] }]) }).assess(text, ['en']);
    expect(one.borderline?.via, 'one word: the question').to.equal('words');
    expect(two.alarm?.via, 'two words: the reply').to.equal('words');
    expect(two.alarm?.kind).to.equal('medical');
    // From the stranger-written dev set: threatened with a knife (two threat words), Ukrainian.
    expect(SafetyScreen.load().assess('Мені погрожували ножем біля станції', ['uk']).alarm?.kind).to.equal('threat');
  });

  it('the project has danger words for every kind in all ten languages', () => {
    const project = DangerWords.load();
    expect(project.size).to.be.greaterThan(10 * 7 * 10);
  });

  it('a danger.json with an unknown kind stops with the file named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'danger-'));
    for (const lng of NLU_LANGUAGES) cpSync(join(LOCALES_DIR, lng), join(dir, lng), { recursive: true });
    writeFileSync(join(dir, 'en', 'danger.json'), JSON.stringify({ weather: ['storm'] }));
    expect(() => DangerWords.load(dir)).to.throw(/en[\\/]danger\.json: "weather" is not a label of the danger words/);
    writeFileSync(join(dir, 'en', 'danger.json'), JSON.stringify({ fire: 'smoke' }));
    expect(() => DangerWords.load(dir)).to.throw(/"fire" must be a list/);
  });
});
