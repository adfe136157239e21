import { normalise } from '../bot/text';

const DIGIT_BLOCKS = [0x0660, 0x06f0, 0x0966]; // Arabic-Indic, Persian (Extended Arabic-Indic), Devanagari
const ETHIOPIC_DIGITS = 0x1369; // ፩ … ፱ are 1 … 9, ፲ is 10

/** Digits of any script the users write, as ASCII digits. */
export function asciiDigits(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const block = DIGIT_BLOCKS.find((b) => cp >= b && cp <= b + 9);
    if (block !== undefined) out += String(cp - block);
    else if (cp >= ETHIOPIC_DIGITS && cp <= ETHIOPIC_DIGITS + 8) out += String(cp - ETHIOPIC_DIGITS + 1);
    else if (cp === 0x1372) out += '10';
    else out += ch;
  }
  return out;
}

/** Letters that users of one script write interchangeably (Arabic/Persian/Pashto forms, Nordic letters). */
const LETTER_FOLDS: Record<string, string> = {
  'ک': 'ك', 'ګ': 'گ', 'ی': 'ي', 'ى': 'ي', 'ې': 'ي', 'ۍ': 'ي', 'ئ': 'ي', 'ة': 'ه', 'ۀ': 'ه', 'ؤ': 'و',
  'ـ': '', 'ø': 'o', 'æ': 'ae', 'ß': 'ss', 'ё': 'е', 'ъ': 'ь',
};
const FOLDABLE = new RegExp(`[${Object.keys(LETTER_FOLDS).join('')}]`, 'gu');

/**
 * How user text is compared with example phrases: lower case, no diacritics or Arabic vowel
 * marks, ASCII digits, interchangeable letters folded, letters repeated for emphasis shortened
 * ("helloooo" → "helloo"), single spaces. Deterministic and script-independent.
 */
export function fold(text: string): string {
  // A turn folds the same message in several places (router, commands, buttons, screen): the
  // latest results are kept, for a moment (a pure function of the text; at most 512 short texts).
  const known = foldCache.get(text);
  if (known !== undefined) return known;
  const result = foldNow(text);
  if (text.length <= FOLD_CACHE_MAX_CHARS) {
    if (foldCache.size >= FOLD_CACHE_ENTRIES) foldCache.clear();
    foldCache.set(text, result);
  }
  return result;
}

const FOLD_CACHE_ENTRIES = 512;
const FOLD_CACHE_MAX_CHARS = 256;
const foldCache = new Map<string, string>();

/**
 * Ethiopic letters that Tigrinya writers use for one sound, each syllable row to the common one with the
 * same vowel: ሠ to ሰ, ፀ to ጸ, ኀ and ሀ to ሐ ("ፀሓይ" and "ጸሓይ" are one word; "ሃዊ" typed for "ሓዊ").
 */
const ETHIOPIC_ROWS: [number, number][] = [
  [0x1220, 0x1230],
  [0x1340, 0x1338],
  [0x1280, 0x1210],
  [0x1200, 0x1210],
];
const ETHIOPIC_VARIANT = /[\u1200-\u1207\u1220-\u1227\u1340-\u1347\u1280-\u1287]/gu;
function ethiopicRow(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const [from, to] = ETHIOPIC_ROWS.find(([start]) => cp >= start && cp < start + 8)!;
  return String.fromCodePoint(to + cp - from);
}

/**
 * The Farsi verb prefix می / نمی written apart from its verb ("می زند" for "میزند", "he hits"); only with
 * the Persian yeh (ی), so Pashto مې ("my") stays a word of its own.
 */
const FARSI_MI_APART = /(?<=^|\s)(ن?می)\s+(?=\p{Script=Arabic})/gu;
/** Letters only Pashto writes: a message with one of them is Pashto, where می is مې ("my") typed on a Persian keyboard. */
const PASHTO_LETTER = /[ټډړښږځڅېۍګڼ]/u;
const joinFarsiMi = (text: string): string => (PASHTO_LETTER.test(text) ? text : text.replace(FARSI_MI_APART, '$1'));

/**
 * An apostrophe inside a word is part of it: Ukrainian "б'є", "бʼє", "б’є" and "бє" are one word, as are
 * Somali "ma'aha" and "maaha", English "don't" and "dont".
 */
const APOSTROPHE_IN_WORD = /(?<=\p{L})['’ʼ‘`´ʹ′](?=\p{L})/gu;

function foldNow(text: string): string {
  return normalise(joinFarsiMi(asciiDigits(text).replace(/\u200c/g, '').replace(APOSTROPHE_IN_WORD, '')).replace(ETHIOPIC_VARIANT, ethiopicRow))
    .replace(FOLDABLE, (ch) => LETTER_FOLDS[ch])
    .replace(/(\p{L})\1{2,}/gu, '$1$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A fixed list of words as the folded words of a message will spell them: a word list in code is
 * written as people write ("کلن", "میلی"), and compared after folding ("كلن", "ميلي").
 */
export function foldedWords(list: readonly string[]): ReadonlySet<string> {
  return new Set(list.map((w) => fold(w)));
}

/** Sentences end in . ! ? and their Arabic, Devanagari and Ethiopic forms. */
export const SENTENCE_END = /(?<=[.!?؟।።፧])\s+/u;

/** Words of folded text. */
export function words(folded: string): string[] {
  return folded === '' ? [] : folded.split(' ');
}
