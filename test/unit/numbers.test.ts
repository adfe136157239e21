import { expect } from 'chai';
import { EmbeddedRecognizer } from '../../src/nlu/embeddedRecognizer';
import { asciiDigits } from '../../src/nlu/fold';

describe('numeric answers', () => {
  const { numbers } = new EmbeddedRecognizer();

  it('turns Arabic-Indic, Persian and Ethiopic digits into numbers', () => {
    expect(asciiDigits('٠١٢٣٤٥٦٧٨٩')).to.equal('0123456789');
    expect(asciiDigits('۰۱۲۳۴۵۶۷۸۹')).to.equal('0123456789');
    expect(asciiDigits('፩፪፫')).to.equal('123');
  });

  const ALONE: [string, number][] = [
    ['2', 2], [' 2 ', 2], ['2.', 2], ['٢', 2], ['۲', 2], ['፪', 2], ['12', 12], ['١٢', 12],
    ['nr 3', 3], ['nr. 3', 3], ['№3', 3], ['nummer 3', 3], ['number three', 3], ['option 1', 1], ['رقم ٤', 4], ['شماره ۴', 4],
    ['to', 2], ['two', 2], ['zwei', 2], ['два', 2], ['дві', 2], ['اثنين', 2], ['دو', 2], ['دوه', 2], ['ክልተ', 2], ['laba', 2], ['første', 1], ['ثلاثة', 3],
  ];
  for (const [text, value] of ALONE) {
    it(`reads ${JSON.stringify(text)} as the answer ${value}`, () => {
      expect(numbers.read(text)).to.deep.equal({ value, alone: true });
    });
  }

  it('reads a number word of another language as the user\'s own phrase when it is one: Danish nine "ni" is Ukrainian "no"', () => {
    const recognizer = new EmbeddedRecognizer();
    expect(recognizer.recognizeNow('ni', 'uk')).to.include({ intent: 'answer.no' });
    expect(recognizer.recognizeNow('ni', 'uk').entities?.number).to.equal(undefined);
    expect(recognizer.recognizeNow('ni', 'da')).to.deep.include({ intent: 'none', entities: { number: 9 } });
    expect(recognizer.recognizeNow('2', 'uk')).to.deep.include({ intent: 'none', entities: { number: 2 } });
    // A number word of the user's own language stays a number, though it folds like a phrase (Pashto three, "Dari").
    expect(recognizer.recognizeNow('درې', 'ps')).to.deep.include({ intent: 'none', entities: { number: 3 } });
    expect(recognizer.recognizeNow('نهه', 'ps')).to.deep.include({ intent: 'none', entities: { number: 9 } });
  });

  it('finds the one number in a longer message without making it the whole answer', () => {
    expect(numbers.read('min datter er 7 år')).to.deep.equal({ value: 7, alone: false });
    expect(numbers.read('ابني عمره ٨ سنوات')).to.deep.equal({ value: 8, alone: false });
  });

  it('reads an age in words beside a word for years typed with either keyboard\'s letters (Pashto ک and ی)', () => {
    expect(numbers.read('زما لور دوه کلنه ده')).to.deep.equal({ value: 2, alone: false });
    expect(numbers.read('زوی مې درې کلن دی')).to.deep.equal({ value: 3, alone: false });
    // مې typed as می on a Persian keyboard: a Pashto letter elsewhere keeps it apart from the number after it
    expect(numbers.read('زوی می درې کلن دی')).to.deep.equal({ value: 3, alone: false });
    expect(numbers.read('زما لور دوه كلنه ده')).to.deep.equal({ value: 2, alone: false });
  });

  it('finds no number in words that only look like one, or with two numbers', () => {
    expect(numbers.read('no')).to.equal(undefined);
    expect(numbers.read('نه')).to.equal(undefined);
    expect(numbers.read('jeg vil have to børn i skole')).to.equal(undefined);
    expect(numbers.read('2 eller 3')).to.equal(undefined);
  });

  it('gives a number-only message the intent none with the number as an entity', async () => {
    const r = await new EmbeddedRecognizer().recognize('٣', 'ar');
    expect(r.intent).to.equal('none');
    expect(r.entities).to.deep.equal({ number: 3 });
  });
});
