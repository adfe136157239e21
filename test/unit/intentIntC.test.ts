import { expect } from 'chai';
import { EmbeddedRecognizer } from '../../src/nlu/embeddedRecognizer';

/** Locale fixes of branch intC (ar, fa, ps, ti, so): each case failed before them. */
describe('intent fixes intC (locales ar, fa, ps, ti, so)', () => {
  const recognizer = new EmbeddedRecognizer();
  const cases: [string, string, string][] = [
    // Thanks with a form of address is small talk, not "no thanks" or "bye".
    ['so', 'walaal mahadsanid', 'none'],
    ['so', 'mahadsanid walaalo', 'none'],
    ['fa', 'ممنون برادر', 'none'],
    ['ar', 'شكرا اخي', 'none'],
    ['ps', 'مننه خوره', 'none'],
    // A money word in a question about going home is return-home support (cue).
    ['so', 'haddaan Soomaaliya ku noqono lacag gargaar ah ma jirtaa', 'topic.return_home.support'],
    // Waste (ጓሓፍ spelling) is everyday life; a volunteer (ወለንታ) is a volunteer friend.
    ['ti', 'ጓሓፍ ኣበይ ይድርበ', 'topic.everyday'],
    ['ti', 'ብወለንታ ዝሕግዝ ሰብ ኣሎ ዶ', 'topic.leisure.volunteer_friend'],
  ];
  for (const [locale, text, intent] of cases) {
    it(`${locale}: "${text}" → ${intent}`, () => {
      expect(recognizer.recognizeNow(text, locale).intent).to.equal(intent);
    });
  }
});
