import { fold } from './fold';
import type { NluLanguage } from './languages';

/** The languages the bot understands whose own script is not Latin: typed in Latin letters, they are also read by skeleton. */
export const SKELETON_LANGUAGES = ['ar', 'fa', 'ps', 'ti', 'ru', 'uk'] as const;
export type SkeletonLanguage = (typeof SKELETON_LANGUAGES)[number];

export function isSkeletonLanguage(code: string | undefined): code is SkeletonLanguage {
  return code !== undefined && (SKELETON_LANGUAGES as readonly string[]).includes(code);
}

/** Whether folded text is in Latin letters only (digits and Danish names allowed), with no letter of another script. */
export function inLatinLetters(folded: string): boolean {
  return /\p{Script=Latin}/u.test(folded) && !/[\p{Script=Arabic}\p{Script=Cyrillic}\p{Script=Ethiopic}]/u.test(folded);
}

/**
 * The consonant skeleton of a word, the same for the word in its own script and in Latin letters as
 * people type it on a phone without that keyboard: Arabic "ضربني", Arabizi "darabni" and "drbni" are
 * all "drbn"; Russian "помогите" and "pomogite" are "bmkt"; Tigrinya "ሓዊ" and "hawi" are "h".
 *
 * Vowels are dropped (Arabic script writes few, Ethiopic writes them inside the syllable, Latin
 * spellings disagree on them), and consonants people spell differently fall together: k, q, g, gh
 * and their letters; h, kh, x and Arabizi 5 and 7; s with sh, ch and their letters; b and p; the
 * glottal stop and ʿayn (Arabizi 2 and 3) vanish. The skeleton is for matching only, never shown.
 */
export function skeleton(folded: string, language?: NluLanguage): string {
  return folded
    .split(' ')
    .map((w) => skeletonOfWord(w, language))
    .filter((s) => s !== '')
    .join(' ');
}

/** Latin spellings of one sound, longest first (after lower case). */
const LATIN_DIGRAPHS: [RegExp, string][] = [
  [/tch|sch|sh|ch|sz|ş|š|č|ç/g, 'S'],
  [/kh|gh|ḫ|ẖ/g, 'h'],
  [/zh|ž|dz/g, 'z'],
  [/ts|tz|ṣ/g, 's'],
  [/th|ṭ|ţ/g, 't'],
  [/dh|ḍ|ẓ/g, 'd'],
  [/ph/g, 'f'],
  [/dj|dsch/g, 'j'],
  [/ck/g, 'k'],
];
// "gh" (Arabic غ, Farsi and Pashto ق and غ) joins "kh" and h: writers in Latin letters type h, kh and gh
// for these throat sounds interchangeably; "q" and "g" alone stay with k.

/** Latin letters and the digits Arabizi writes for Arabic sounds, to their class ('' drops it). */
const LATIN: Record<string, string> = {
  a: '', e: '', i: '', o: '', u: '', y: '', w: '', é: '', è: '', á: '', í: '', ó: '', ú: '', ā: '', ī: '', ū: '', ä: '', ö: '', ü: '', å: '', ə: '',
  b: 'b', p: 'b', c: 'k', d: 'd', f: 'f', g: 'k', h: 'h', j: 'j', k: 'k', l: 'l', m: 'm', n: 'n', q: 'k', r: 'r', s: 's', t: 't', v: 'v', x: 'h', z: 'z',
  S: 'S', ḥ: 'h',
  '2': '', '3': '', '5': 'h', '6': 't', '7': 'h', '8': 'h', '9': 's',
};

/** Arabic-script letters (Arabic, Farsi, Pashto; already folded: ك, ي, ه) to their class. */
/** Letters Farsi and Pashto say otherwise than Arabic: ق as gh, ض as z. */
const PERSIAN_READING: Record<string, string> = { 'ق': 'h', 'ض': 'z' };

const ARABIC: Record<string, string> = {
  'ا': '', 'أ': '', 'إ': '', 'آ': '', 'ء': '', 'ع': '', 'و': '', 'ي': '', 'ى': '', 'ئ': '', 'ؤ': '',
  'ب': 'b', 'پ': 'b', 'ت': 't', 'ث': 's', 'ج': 'j', 'چ': 'S', 'ح': 'h', 'خ': 'h', 'د': 'd', 'ذ': 'z', 'ر': 'r', 'ز': 'z', 'ژ': 'z',
  'س': 's', 'ش': 'S', 'ص': 's', 'ض': 'd', 'ط': 't', 'ظ': 'z', 'غ': 'h', 'ف': 'f', 'ق': 'k', 'ك': 'k', 'گ': 'k', 'ل': 'l', 'م': 'm',
  'ن': 'n', 'ه': 'h', 'ة': 'h',
  // Pashto
  'ټ': 't', 'ډ': 'd', 'ړ': 'r', 'ښ': 'S', 'ږ': 'z', 'ځ': 'z', 'څ': 's', 'ڼ': 'n',
};

/** Cyrillic letters (Russian and Ukrainian) to their class; Ukrainian г is h. */
const CYRILLIC: Record<string, string> = {
  'а': '', 'е': '', 'ё': '', 'и': '', 'і': '', 'ї': '', 'й': '', 'о': '', 'у': '', 'ы': '', 'э': '', 'ю': '', 'я': '', 'ь': '', 'ъ': '', 'є': '',
  'б': 'b', 'в': 'v', 'г': 'k', 'ґ': 'k', 'д': 'd', 'ж': 'z', 'з': 'z', 'к': 'k', 'л': 'l', 'м': 'm', 'н': 'n', 'п': 'b', 'р': 'r',
  'с': 's', 'т': 't', 'ф': 'f', 'х': 'h', 'ц': 's', 'ч': 'S', 'ш': 'S', 'щ': 'S',
};

/**
 * Ethiopic syllables by row (eight per row, the consonant with its seven vowels), from U+1200: the
 * consonant of each row ('' for the glottal stop, ʿayn, w and y).
 */
const ETHIOPIC_ROWS = [
  'h', 'l', 'h', 'm', 's', 'r', 's', 'S', 'k', 'k', 'h', 'h', 'b', 'v', 't', 'S',
  'h', 'h', 'n', 'n', '', 'k', 'k', 'h', 'h', '', '', 'z', 'z', '', 'd', 'd',
  'j', 'k', 'k', 'k', 't', 'S', 'b', 's', 's', 'f', 'b',
];

const ARABIC_DIACRITICS = /[\u064b-\u065f\u0670]/g;

/** The skeleton of one folded word ('' when it has no consonant: "ana" is "n", "ya" is ''). */
export function skeletonOfWord(word: string, language?: NluLanguage): string {
  let w = word.replace(ARABIC_DIACRITICS, '');
  // Digits are Arabizi letters only inside a word with letters ("7aram", "3ala"); a number stays a number.
  const hasLetters = /\p{L}/u.test(w);
  if (/^[\p{Script=Latin}\d]+$/u.test(w) && hasLetters) for (const [re, to] of LATIN_DIGRAPHS) w = w.replace(re, to);
  let out = '';
  let vowelBefore = false;
  for (const ch of w) {
    let c: string | undefined;
    if (/\d/.test(ch)) c = hasLetters ? (LATIN[ch] ?? ch) : ch;
    else if (ch in LATIN) c = LATIN[ch];
    else if (ch in ARABIC) c = (PERSIAN_READING[ch] && (language === 'fa' || language === 'ps') ? PERSIAN_READING[ch] : ARABIC[ch]);
    else if (ch in CYRILLIC) c = ch === 'г' && language === 'uk' ? 'h' : CYRILLIC[ch];
    else {
      const cp = ch.codePointAt(0)!;
      if (cp >= 0x1200 && cp < 0x1200 + ETHIOPIC_ROWS.length * 8) c = ETHIOPIC_ROWS[(cp - 0x1200) >> 3];
      else c = '';
    }
    // A consonant written twice in a row is one ("kassar", "كسّر"); with a vowel between, two ("bab", "باب").
    if (c !== '' && !(out.endsWith(c) && !vowelBefore)) out += c;
    vowelBefore = c === '';
  }
  // "ts" is one sound written with one letter (ц, ጸ) or two ("ться", "ts"); a word-final h is often a
  // vowel (Arabic ة, Farsi ه) that Latin writers leave out.
  // Then sh (S until here, so that "tS" is not read as ts) joins s: a skeleton is lower case, as folded text
  // is, so the word lists and the classifier, which fold again, see it unchanged.
  out = out.replace(/ts/g, 's').toLowerCase();
  return out.length > 1 && out.endsWith('h') ? out.slice(0, -1) : out;
}

/**
 * Word lists (topics.json, danger.json syntax) with their words as consonant skeletons, for the
 * language typed in Latin letters: "طبيب" (doctor) is "tbb", as "tabib" is. Entries in Latin letters
 * are left out (they are matched as written), and so are entries with a word of fewer than `min`
 * consonants.
 */
export function skeletonWordLists<L extends string>(lists: Partial<Record<L, string[]>>, language: NluLanguage, min: number): Partial<Record<L, string[]>> {
  const out: Partial<Record<L, string[]>> = {};
  for (const [label, entries] of Object.entries(lists) as [L, string[] | undefined][]) {
    const converted: string[] = [];
    for (const raw of entries ?? []) {
      const cue = raw.trim().startsWith('^') ? '^' : '';
      const parts = raw.trim().replace(/^\^/, '').split(/\s+/).map((part) => {
        if (part.startsWith('#')) return part;
        if (/\p{Script=Latin}/u.test(part)) return undefined;
        const mark = /^[=*]/.test(part) ? part[0] : '';
        const word = skeletonOfWord(fold(part.slice(mark.length)), language);
        return word.length >= min ? mark + word : undefined;
      });
      if (parts.every((p) => p !== undefined)) converted.push(cue + parts.join(' '));
    }
    if (converted.length > 0) out[label] = converted;
  }
  return out;
}
