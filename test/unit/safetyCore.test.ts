import { expect } from 'chai';
import { fold, words } from '../../src/nlu/fold';
import { SafetyScreen, hasCount } from '../../src/nlu/safety';

/**
 * The decision rules of the safety screen added on branch safeCore (issue #9): a count of pills with
 * an overdose word is an overdose at once, and an indirect
 * self-harm message the classifier leans to gets the question rather than nothing. Messages written
 * for this test, not taken from any dev, tuning or held-out set.
 */
describe('safety screen: overdose counts, self-harm leanings', () => {
  const screen = SafetyScreen.load();

  it('raises the alarm at once on a count of pills with an overdose word', () => {
    for (const [lng, text] of [
      ['da', 'han har taget 30 sovepiller i aften'],
      ['uk', 'вона випила 30 таблеток снодійного ввечері'],
    ]) {
      expect(screen.assess(text, [lng]).alarm?.kind, text).to.equal('overdose');
    }
  });

  it('reads a count, not a dose, a time or an age', () => {
    expect(hasCount(['took', '30', 'pills'])).to.equal(true);
    expect(hasCount(['took', '3', 'pills'])).to.equal(false);
    expect(hasCount(['400', 'mg', 'paracetamol'])).to.equal(false);
    expect(hasCount(['at', '10', '30', 'pills'])).to.equal(false);
    expect(hasCount(['my', '15', 'years', 'old'])).to.equal(false);
    // units and years written with Persian letters, as a message's words are folded
    expect(hasCount(words(fold('۵۰۰ میلی گرم استامینوفن')))).to.equal(false);
    expect(hasCount(words(fold('زوی مې ۱۲ کلن دی')))).to.equal(false);
    expect(screen.assess('i take 400 mg paracetamol for my headache', ['en']).alarm).to.equal(undefined);
  });

  it('asks about an indirect self-harm message the classifier leans to', () => {
    for (const [lng, text] of [
      ['en', 'after this weekend nobody here will have to think about me anymore'],
      ['de', 'bald muss sich hier niemand mehr um mich kümmern, ich bin dann weg'],
    ]) {
      const a = screen.assess(text, [lng]);
      expect(a.alarm ?? a.borderline, text).to.not.equal(undefined);
      expect((a.alarm ?? a.borderline)!.kind, text).to.equal('self_harm');
    }
  });

  it('gives the reply at once, not only the question, when the classifier finds self-harm likeliest by 0.6 or more', () => {
    // From the lead's dev set (dev-lead12i) and dev-safeE3: pills ready, tired of life, nothing to stay alive for.
    for (const [lng, text] of [
      ['ps', 'ګولۍ مې چمتو کړې دي'],
      ['ps', 'له ژوند ستړی شوی یم'],
      ['fa', 'هیچی نیست که بخاطرش زنده بمونم'],
    ]) {
      const a = screen.assess(text, [lng]);
      expect(a.alarm?.kind, `${text}: ${JSON.stringify(a)}`).to.equal('self_harm');
    }
  });

  it('does not ask on a short everyday wish', () => {
    for (const [lng, text] of [
      ['en', 'i want to join the football club in tonder'],
      ['en', 'i want to work'],
    ]) {
      const a = screen.assess(text, [lng]);
      expect(a.alarm ?? a.borderline, text).to.equal(undefined);
    }
  });
});
