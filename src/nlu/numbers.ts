import { fold, foldedWords, words } from './fold';
import type { PhraseBank } from './phrases';

const MAX_WORDS_FOR_A_WORD_NUMBER = 8;
/** Words for "year(s) old" in the ten languages, as people write them (compared folded): a number word next to them is an age. */
export const YEARS = foldedWords([
  'ar', 'aar', 'year', 'years', 'yrs', 'old', 'jahr', 'jahre', 'jahren', 'alt', 'лет', 'год', 'года', 'рок', 'роки', 'років', 'рік', 'سنه', 'سنين', 'سنوات', 'عمر', 'عمرها', 'عمره', 'سال', 'ساله', 'سالشه', 'کال', 'کلن', 'کلنی', 'ዓመት', 'ዓመታ', 'ዓመቱ', 'sano', 'sanadood', 'jir', 'jirsaa', 'کلنه', 'کلنۍ', 'کالونه',
]);

/**
 * Finds a numeric answer: "2", "٢", "۲", "nr. 2", "number two", "zwei". A message that is only a
 * number (with an optional prefix word) is an answer; a longer message yields its number only if
 * it holds exactly one (e.g. a child's age: "she is 7").
 */
export class NumberReader {
  private readonly wordValues = new Map<string, number>();
  private readonly prefixes = new Set<string>(['nr', 'no', '#']);

  constructor(bank: PhraseBank) {
    for (const lang of Object.values(bank)) {
      for (const [value, list] of Object.entries(lang.numbers)) {
        for (const w of list) {
          const key = fold(w);
          if (key && !this.wordValues.has(key)) this.wordValues.set(key, Number(value));
        }
      }
      for (const p of lang.numberPrefixes ?? []) this.prefixes.add(fold(p));
    }
  }

  /** The number the message answers with, and whether the message is nothing but that number. */
  read(text: string): { value: number; alone: boolean } | undefined {
    // "№3" folds to "no3", "nr.3" to "nr 3": a prefix glued to the digits is split off.
    const tokens = words(fold(text)).flatMap((t) => /^(no|nr)\d{1,3}$/.test(t) ? [t.slice(0, 2), t.slice(2)] : [t]);
    if (tokens.length === 0) return undefined;
    const rest = tokens.filter((t) => !this.prefixes.has(t));
    const joined = rest.join(' ');
    if (rest.length >= 1 && rest.length <= 2 && this.wordValues.has(joined)) return { value: this.wordValues.get(joined)!, alone: true };
    const digits = tokens.filter((t) => /^\d{1,3}$/.test(t));
    if (rest.length === 1 && digits.length === 1 && rest[0] === digits[0]) return { value: Number(digits[0]), alone: true };
    if (digits.length === 1) return { value: Number(digits[0]), alone: false };
    // "she is two years old": one number word in a short message that speaks of years.
    if (digits.length === 0 && rest.length <= MAX_WORDS_FOR_A_WORD_NUMBER && rest.some((t) => YEARS.has(t))) {
      // The number word just before the word for years wins, then the one just after ("two years",
      // "عمره ثمانية"): in Pashto "دوه کلنه ده" the ده is "is", though Farsi ده is 10.
      const years = rest.findIndex((t) => YEARS.has(t));
      const beside = [rest[years - 1], rest[years + 1]].find((t) => t !== undefined && this.wordValues.has(t));
      if (beside !== undefined) return { value: this.wordValues.get(beside)!, alone: false };
      const values = rest.filter((t) => this.wordValues.has(t)).map((t) => this.wordValues.get(t)!);
      if (values.length === 1) return { value: values[0], alone: false };
    }
    return undefined;
  }
}
