import { expect } from 'chai';
import { EmbeddedRecognizer } from '../../src/nlu/embeddedRecognizer';

/**
 * Someone whose language has another script types in Latin letters: the recogniser also compares the
 * message's consonant skeleton (src/nlu/skeleton.ts) with that language's phrases. Written for this test.
 */
describe('intent of a language of another script typed in Latin letters', () => {
  const recognizer = new EmbeddedRecognizer();
  const cases: [text: string, locale: string, intent: string][] = [
    // wrong without the skeletons: none, and the support for returning instead of returning itself
    ['el mo3eene ma wasletni hal shaher', 'ar', 'topic.money'],
    ['khochu povernutysya dodomu', 'uk', 'topic.return_home'],
    ['nab adey kmeles delye', 'ti', 'topic.return_home'],
    // right before, and still right
    ['baddi sajjel ibni bel madrase', 'ar', 'topic.school.enrol'],
    ['baddi eh7ki ma3 mowazzaf', 'ar', 'cmd.human'],
    ['dombale kar migardam', 'fa', 'topic.work'],
    ['kelase zabane danmarki kojast', 'fa', 'topic.work.language_school'],
    ['hochu pogovorit s sotrudnikom', 'ru', 'cmd.human'],
    ['kak prodlit vid na zhitelstvo', 'ru', 'topic.permit'],
    ['hochu zapysaty dytynu do shkoly', 'uk', 'topic.school.enrol'],
    ['za ghwaram kaar wakram', 'ps', 'topic.work'],
    ['wedey ab bet timhrti kemzgeb delye', 'ti', 'topic.school.enrol'],
  ];
  for (const [text, locale, intent] of cases) {
    it(`${locale}: "${text}" is ${intent}`, () => {
      expect(recognizer.recognizeNow(text, locale).intent).to.equal(intent);
    });
  }
});
