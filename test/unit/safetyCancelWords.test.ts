import { expect } from 'chai';
import { SafetyScreen } from '../../src/nlu/safety';

/**
 * A cue's cancelling words (" - ball|fodbold|…") speak for their own sentence and the ten words around the match:
 * football in an earlier sentence, or far back in a long one, no longer turns "he is hitting me" into a question.
 * Written for this test, not taken from any dev, probe or held-out set.
 */
describe('safety screen: words that cancel a cue act near it, not from anywhere in the message', () => {
  const screen = SafetyScreen.load();

  const atOnce: [string, string][] = [
    ['en', 'My daughter started football training at the club last week and she loves it. Tonight my husband is hitting me again'],
    ['da', 'min søn spiller fodbold hver lørdag med sit hold i klubben ved skolen, men i aften slår hans far mig'],
    ['de', 'Mein Sohn spielt jeden Samstag Fußball mit seiner Mannschaft im Verein bei der Schule, aber heute Abend schlägt sein Vater mich'],
  ];
  for (const [lng, text] of atOnce) {
    it(`${lng}: "${text}" gets the violence reply at once`, () => {
      const a = screen.assess(text, [lng]);
      expect(a.alarm?.kind, JSON.stringify(a)).to.equal('violence');
    });
  }

  it('still lets the cancelling word speak in its own sentence ("my son hits the ball really hard at training")', () => {
    expect(screen.assess('my son hits the ball really hard at training', ['en'])).to.deep.equal({});
  });
});
