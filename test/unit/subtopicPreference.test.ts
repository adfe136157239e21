import { expect } from 'chai';
import { EmbeddedRecognizer, lastClause, preferSubtopic } from '../../src/nlu/embeddedRecognizer';
import { fold } from '../../src/nlu/fold';
import { isIntent, type Intent } from '../../src/nlu/intents';
import { WordLexicon, loosen } from '../../src/nlu/wordLexicon';

// Every message here is written for this test, not taken from the phrases or the dev sets.
describe('subtopics, cues and commands in the embedded recogniser', () => {
  const recognizer = new EmbeddedRecognizer();
  const intent = (text: string, lng = 'en'): string => recognizer.recognizeNow(text, lng).intent;

  it('reads number parts and cues in the topic words: a cue gives no score, it only names its subtopic', () => {
    const numbers = new Map([['two', 2]]);
    const lexicon = new WordLexicon<Intent>([{ 'topic.school.daycare': ['nursery', '^#0-5 years'], 'topic.school.enrol': ['^#6-14 years'] }], isIntent);
    const read = (text: string) => lexicon.read(fold(text), () => 1, (w) => numbers.get(w));
    expect([...read('she is 3 years old').cues.keys()]).to.deep.equal(['topic.school.daycare']);
    expect([...read('she is two years old').cues.keys()]).to.deep.equal(['topic.school.daycare']);
    expect([...read('he is 9 years old').cues.keys()]).to.deep.equal(['topic.school.enrol']);
    expect([...read('he is 30 years old').cues.keys()]).to.deep.equal([]);
    expect(read('she is 3 years old').scores.size).to.equal(0);
    expect(Object.fromEntries(read('a nursery for a 3 years old').scores)).to.deep.equal({ 'topic.school.daycare': 1 });
  });

  it('a subtopic its own words or cues single out wins over its topic, a subtopic with its own words keeps its place', () => {
    const ranked = [{ label: 'topic.school', score: 0.8 }, { label: 'topic.school.enrol', score: 0.6 }, { label: 'topic.school.daycare', score: 0.55 }];
    expect(preferSubtopic(ranked, new Map(), new Map<Intent, number>([['topic.school.daycare', 1]]))[0]).to.deep.equal({ label: 'topic.school.daycare', score: 0.8 });
    expect(preferSubtopic(ranked, new Map<Intent, number>([['topic.school.enrol', 1]]), new Map())[0].label).to.equal('topic.school.enrol');
    // Too far below the best: the words alone do not decide.
    expect(preferSubtopic([{ label: 'topic.school', score: 0.9 }, { label: 'topic.school.enrol', score: 0.3 }], new Map<Intent, number>([['topic.school.enrol', 1]]), new Map())[0].label).to.equal('topic.school');
    // The best is a subtopic with its own words: another's cue does not move it.
    const daycare = [{ label: 'topic.school.daycare', score: 0.8 }, { label: 'topic.school.enrol', score: 0.7 }];
    expect(preferSubtopic(daycare, new Map<Intent, number>([['topic.school.daycare', 1]]), new Map<Intent, number>([['topic.school.enrol', 1]]))[0].label).to.equal('topic.school.daycare');
    // The question sentence names the topic and not the subtopic: the subtopic's words were context.
    const work = [{ label: 'topic.work', score: 0.8 }, { label: 'topic.work.language_school', score: 0.7 }];
    const ls = new Map<Intent, number>([['topic.work.language_school', 2], ['topic.work', 1]]);
    expect(preferSubtopic(work, ls, new Map())[0].label).to.equal('topic.work.language_school');
    expect(preferSubtopic(work, ls, new Map(), new Map<Intent, number>([['topic.work', 1]]))[0].label).to.equal('topic.work');
    expect(intent('Ich bin mit dem Sprachkurs fertig. Welche Arbeit kann ich finden?', 'de')).to.equal('topic.work');
    // Another topic's subtopic takes a topic's place only with its own words, never a subtopic's.
    const money = [{ label: 'topic.money', score: 0.7 }, { label: 'topic.return_home.support', score: 0.6 }];
    expect(preferSubtopic(money, new Map(), new Map<Intent, number>([['topic.return_home.support', 1]]))[0].label).to.equal('topic.money');
    expect(preferSubtopic(money, new Map<Intent, number>([['topic.return_home', 1]]), new Map<Intent, number>([['topic.return_home.support', 1]]))[0].label).to.equal('topic.return_home.support');
  });

  it('a small child\'s age or looking after a baby is daycare; a school child\'s age getting into school is enrolment', () => {
    expect(intent('she is two years old, where can she go during the day')).to.equal('topic.school.daycare');
    expect(intent('who will look after our baby when my wife and I start work')).to.equal('topic.school.daycare');
    expect(intent('vores søn er 8 år, hvordan kommer han i skole', 'da')).to.equal('topic.school.enrol');
    expect(intent('unsere kleine ist 2 jahre alt, wer betreut sie wenn ich arbeite', 'de')).to.equal('topic.school.daycare');
  });

  it('a child\'s age beside a word for years is a cue in every language, not only in the words of topics.json', () => {
    // No topic word or cue of ar/topics.json in these: the age alone names the subtopic.
    expect(recognizer.topicWords.explain(fold('ابني عمره ١٠ سنوات وين بيدرس'))).to.deep.equal([]);
    expect(intent('ابني عمره ١٠ سنوات وين بيدرس', 'ar')).to.equal('topic.school.enrol');
    expect(intent('ابني عمره ٣ سنوات وين بروح بالنهار', 'ar')).to.equal('topic.school.daycare');
  });

  it('topic words match the keyboard spellings of å, ø, ö, ü (aa, oe, ue), the danger words do not loosen', () => {
    expect(loosen('boernehave')).to.equal(loosen(fold('børnehave')));
    expect(loosen('zurueck')).to.equal(fold('zurück'));
    const loose = new WordLexicon<Intent>([{ 'topic.school.daycare': ['børnehave'] }], isIntent, true);
    const strict = new WordLexicon<Intent>([{ 'topic.school.daycare': ['børnehave'] }], isIntent);
    expect(Object.fromEntries(loose.score(fold('plads i boernehave')))).to.deep.equal({ 'topic.school.daycare': 1 });
    expect(strict.score(fold('plads i boernehave')).size).to.equal(0);
    expect(intent('kan vi faa hjemrejsestoette', 'da')).to.equal('topic.return_home.support');
  });

  it('a number of years that is a time span is no age ("i danmark i 2 år", "for 3 years", "2 years ago")', () => {
    expect(intent('jeg har boet i danmark i 2 år og vil gerne have et fuldtidsjob, hvad gør jeg', 'da')).to.equal('topic.work');
    expect(intent('we came 3 years ago and i still have no job')).to.equal('topic.work');
  });

  it('money or support for going home is the return support, Danish lessons are the language school', () => {
    expect(intent('can the kommune help with money to go back to syria')).to.equal('topic.return_home.support');
    expect(intent('får man penge fra kommunen hvis man rejser hjem til sit land', 'da')).to.equal('topic.return_home.support');
    expect(intent('where do grown-ups take danish lessons')).to.equal('topic.work.language_school');
  });

  it('finds the last clause of a long sentence, and a request for a person there is one', () => {
    expect(lastClause('I got a letter I cannot read, can I talk to someone')).to.equal('can I talk to someone');
    expect(lastClause('yes, ok')).to.equal(undefined);
    expect(intent('I have a letter from the kommune about my rent and I do not understand it, can I talk to a real person')).to.equal('cmd.human');
  });

  it('a command word inside a longer question is not the command, a one-word command is', () => {
    expect(intent('My son finished the reception class last summer. Which ordinary school can he go to now?')).to.not.equal('cmd.stop');
    expect(intent('Jeg er færdig med sprogskolen. Hvordan finder jeg et arbejde nu?', 'da')).to.not.equal('cmd.stop');
    expect(intent('menu')).to.equal('cmd.menu');
    expect(intent('tilbage', 'da')).to.equal('cmd.back');
    expect(intent('stop')).to.equal('cmd.stop');
  });

  it('a text that is a phrase of two languages with two meanings is read in the user\'s language (Arabic "تمام" = OK, Farsi = finished)', () => {
    expect(intent('تمام', 'ar')).to.equal('answer.yes');
    expect(intent('تمام!', 'ar')).to.equal('answer.yes');
    expect(intent('تمام', 'fa')).to.equal('cmd.stop');
    // A user of another language: the language the text is written in settles it.
    expect(intent('تمام', 'da')).to.equal(recognizer.recognizeNow('تمام', recognizer.languages.identify('تمام')?.code ?? 'fa').intent);
  });
});
