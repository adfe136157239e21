import { expect } from 'chai';
import { EmbeddedRecognizer } from '../../src/nlu/embeddedRecognizer';

// Branch intD (da, en, de, uk, ru). Every message here is written for this test, not taken from the
// phrases, the dev sets or the probes.
describe('intent recognition, branch intD', () => {
  const recognizer = new EmbeddedRecognizer();
  const intent = (text: string, lng: string): string => recognizer.recognizeNow(text, lng).intent;

  it('"sign up my child" is a cue for school, not a school word: signing a child up for the doctor is health', () => {
    expect(intent('Як записати дитину до лікаря?', 'uk')).to.equal('topic.health');
    expect(intent('Записати доньку до зубного', 'uk')).to.equal('topic.health');
    expect(intent('Как записать дочь к педиатру?', 'ru')).to.equal('topic.health');
    // With a school word it is still getting the child into school.
    expect(intent('Як записати сина до школи?', 'uk')).to.equal('topic.school.enrol');
    expect(intent('Как записать дочь в первый класс?', 'ru')).to.equal('topic.school.enrol');
  });
});
