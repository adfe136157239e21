import { expect } from 'chai';
import { SafetyScreen } from '../../src/nlu/safety';

/**
 * A medicine's name is never an ordinary look-alike (`notAlarms`): a look-alike switches off the classifier and the
 * danger words for the whole message, and an overdose names the medicine. Pashto "feshar darmal" (blood-pressure
 * medicine) and "sar dard darmal" (headache medicine) had been added as look-alikes on 2026-12-08 and silenced
 * these overdoses completely. A question about the medicine may be asked about; it is not an alarm.
 * Written for this test, not taken from any dev, probe or held-out set.
 */
describe('safety screen: an overdose that names the medicine is not silenced by a look-alike', () => {
  const screen = SafetyScreen.load();

  for (const text of ['ma tol feshar darmal okhwaral', 'mor me tol feshar darmal khwarali ao nor na pohezhi', 'ma tol sar dard darmal okhwaral']) {
    it(`ps: "${text}" gets the overdose reply at once`, () => {
      const a = screen.assess(text, ['ps']);
      expect(a.alarm?.kind, JSON.stringify(a)).to.equal('overdose');
    });
  }

  it('ps: asking when to take the blood-pressure pills raises no alarm', () => {
    expect(screen.assess('da feshar goli kala okhlam', ['ps']).alarm).to.equal(undefined);
  });
});
