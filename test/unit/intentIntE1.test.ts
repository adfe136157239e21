import { expect } from 'chai';
import { EmbeddedRecognizer } from '../../src/nlu/embeddedRecognizer';

// Branch intE1 (ar, fa, ps). Every message here is written for this test, not taken from the
// phrases, the dev sets or the probes.
describe('intent recognition, branch intE1', () => {
  const recognizer = new EmbeddedRecognizer();
  const intent = (text: string, lng: string): string => recognizer.recognizeNow(text, lng).intent;

  it('dialect and Latin-script Arabic reach their topics', () => {
    expect(intent('اكو شغل بالمخازن؟ ابي اشتغل', 'ar')).to.equal('topic.work');
    expect(intent('wein fi dorous danmarki lal kbar', 'ar')).to.equal('topic.work.language_school');
    expect(intent('ابني عمره ثمان سنين وما لقيناله مدرسة لسا', 'ar')).to.equal('topic.school.enrol');
    expect(intent('البلدية بدها تبعتني على براكتيك بمحل خضرة', 'ar')).to.equal('topic.work');
  });

  it('a polite opening before the question does not hide it (ar, fa, ps)', () => {
    expect(intent('السلام عليكم يا اخي الله يخليك، سؤال صغير: كيف بجدد الإقامة؟', 'ar')).to.equal('topic.permit');
    expect(intent('سلام علیکم خسته نباشید، ببخشید مزاحم شدم. کلاس زبان دانمارکی کجاست؟', 'fa')).to.equal('topic.work.language_school');
    expect(intent('السلام علیکم ورور، ستړي مه شې. د خپل زوی لپاره وړکتون چیرته پیدا کړم؟', 'ps')).to.equal('topic.school.daycare');
  });

  it('Dari and Iranian Farsi words for work, school and doctor', () => {
    expect(intent('وظیفه پیدا نمیشه، چی کنم؟', 'fa')).to.equal('topic.work');
    expect(intent('دخترم را چطور شامل مکتب بسازم', 'fa')).to.equal('topic.school.enrol');
    expect(intent('داکتر اطفال کجا پیدا میشه', 'fa')).to.equal('topic.health');
  });

  it('a person asked for indirectly is cmd.human', () => {
    expect(intent('الروبوت ما عم يفهم علي، ابي احد من الموظفين', 'ar')).to.equal('cmd.human');
    expect(intent('لطفا یک کارمند با من تماس بگیره', 'fa')).to.equal('cmd.human');
    expect(intent('مهرباني وکړئ یو کارمند دې راسره خبرې وکړي', 'ps')).to.equal('cmd.human');
  });

  it('colloquial yes and no', () => {
    expect(intent('ايوه اكيد يا ريت', 'ar')).to.equal('answer.yes');
    expect(intent('لا ما ابغى شكرا', 'ar')).to.equal('answer.no');
    expect(intent('آره باشه', 'fa')).to.equal('answer.yes');
    expect(intent('هو ښه ده', 'ps')).to.equal('answer.yes');
    expect(intent('نه، اړتیا نشته', 'ps')).to.equal('answer.no');
  });

  it('ordinary talk and neighbouring topics stay apart', () => {
    expect(intent('الطقس بارد كتير اليوم', 'ar')).to.equal('none');
    expect(intent('امروز خیلی خسته ام', 'fa')).to.not.match(/^cmd\.|^answer\./);
    // Money for going home is the return support, money at the end of the month is money.
    expect(intent('قديش بيعطوا مصاري اذا رجعت نهائي على بلدي', 'ar')).to.equal('topic.return_home.support');
    expect(intent('پول تا آخر ماه کم میارم', 'fa')).to.equal('topic.money');
    // A day care word is no Danish class.
    expect(intent('زما لور څلور کلنه ده، وړکتون غواړي', 'ps')).to.equal('topic.school.daycare');
  });
});
