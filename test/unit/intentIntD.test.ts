import { expect } from 'chai';
import { EmbeddedRecognizer } from '../../src/nlu/embeddedRecognizer';
import { fold } from '../../src/nlu/fold';
import { isIntent, topicOf, type Intent } from '../../src/nlu/intents';
import { WordLexicon } from '../../src/nlu/wordLexicon';

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

  it('entries of one label in one list that match the same word count once: the weightiest of them', () => {
    const lexicon = new WordLexicon<Intent>([{ 'topic.school': ['uddannelse', 'uddanne', '*uddannelse'], 'topic.work.igu': ['=igu'] }], isIntent);
    expect(Object.fromEntries(lexicon.score(fold('IGU eller en uddannelse')))).to.deep.equal({ 'topic.school': 1, 'topic.work.igu': 1 });
    // Two words are two pieces of evidence, and a phrase still outweighs its first word.
    expect(lexicon.score(fold('uddannelse og uddannelse igen')).get('topic.school')).to.equal(1);
    expect(new WordLexicon<Intent>([{ 'topic.school': ['skole', 'skole for voksne'] }], isIntent).score(fold('en skole for voksne')).get('topic.school')).to.equal(3);
    const two = new WordLexicon<Intent>([{ 'topic.school': ['skole'] }, { 'topic.school': ['=skolen'] }], isIntent);
    // Lists of two languages stay two voices, as before.
    expect(two.score(fold('skolen')).get('topic.school')).to.equal(2);
    // So one word of a topic no longer outweighs a subtopic's own name three times over.
    expect(intent('kan jeg tage en IGU selvom jeg har en uddannelse fra mit hjemland', 'da')).to.equal('topic.work.igu');
  });

  it('the words inside a cue of several words are its context, no evidence of another family', () => {
    const lists = [{ 'topic.work': ['arbeit'], 'topic.school.daycare': ['^wenn ich arbeite'], 'topic.return_home': ['zurück'], 'topic.return_home.regret': ['^wieder zurück'] }];
    const lexicon = new WordLexicon<Intent>(lists, isIntent, false, topicOf);
    expect(lexicon.read(fold('wer hilft wenn ich arbeite'), () => 1).scores.size).to.equal(0);
    expect(Object.fromEntries(lexicon.read(fold('arbeit finden wenn ich arbeite'), () => 1).scores)).to.deep.equal({ 'topic.work': 1 });
    // Of its own family it stays evidence; and without a family every label is its own.
    expect(Object.fromEntries(lexicon.read(fold('wieder zurück'), () => 1).scores)).to.deep.equal({ 'topic.return_home': 1 });
    expect(new WordLexicon<Intent>(lists, isIntent).read(fold('wieder zurück'), () => 1).scores.size).to.equal(0);
    expect(intent('Der Kleine ist 3, was mache ich mit ihm wenn ich arbeite', 'de')).to.equal('topic.school.daycare');
    expect(intent('min lille er 2 år, hvem tager ham når jeg arbejder', 'da')).to.equal('topic.school.daycare');
  });

  it('a request for a person in the question sentence counts when it leads there clearly, even at a fair score', () => {
    expect(intent('Письмо пришло на датском, я ничего не понял. Может кто-то из коммуны мне перезвонить?', 'ru')).to.equal('cmd.human');
    // A last clause needs the high score: "who do we call" after a health problem is about health.
    expect(intent('my son has had a bad earache since sunday, who do we call', 'en')).to.equal('topic.health');
  });

  it('a request for a person that closes a complaint is the request, even when the complaint reads almost as well there', () => {
    // The last sentence asks for the caseworker; its complaint words keep topic.complaints close behind.
    expect(intent('Jeg har klaget to gange over afgørelsen og intet hørt. Vær sød at stille mig om til min sagsbehandler', 'da')).to.equal('cmd.human');
    // A complaint with no request for a person stays a complaint.
    expect(intent('Jeg har klaget to gange over afgørelsen og intet hørt. Jeg vil klage igen', 'da')).to.equal('topic.complaints');
  });
});
