import { readFileSync } from 'node:fs';
import { LOCALES_DIR } from '../i18n';
import { loadContent } from '../paths/load';
import { fold, foldedWords, SENTENCE_END, words } from './fold';
import { YEARS } from './numbers';
import { NLU_LANGUAGES, type NluLanguage } from './languages';
import { DangerWords } from './dangerWords';
import { NgramClassifier, type Ranked } from './ngramClassifier';
import { inLatinLetters, isSkeletonLanguage, SKELETON_LANGUAGES, skeleton, skeletonOfWord } from './skeleton';
import { allPhrases, loadPhraseBank, localeFile, type PhraseBank } from './phrases';

export const SAFETY_CATEGORIES = ['emergency.medical', 'emergency.violence', 'emergency.self_harm', 'emergency.danger'] as const;
export type SafetyCategory = (typeof SAFETY_CATEGORIES)[number];

/**
 * What kind of emergency a message signals; each kind belongs to one category (the metric's
 * label) and decides which help the reply names.
 */
export const SAFETY_KINDS = ['violence', 'threat', 'fire', 'gas', 'medical', 'overdose', 'self_harm', 'danger'] as const;
export type SafetyKind = (typeof SAFETY_KINDS)[number];

export const CATEGORY_OF: Record<SafetyKind, SafetyCategory> = {
  violence: 'emergency.violence',
  threat: 'emergency.danger',
  fire: 'emergency.danger',
  gas: 'emergency.danger',
  danger: 'emergency.danger',
  medical: 'emergency.medical',
  overdose: 'emergency.medical',
  self_harm: 'emergency.self_harm',
};
const KIND_OF_CATEGORY: Record<SafetyCategory, SafetyKind> = {
  'emergency.medical': 'medical',
  'emergency.violence': 'violence',
  'emergency.self_harm': 'self_harm',
  'emergency.danger': 'danger',
};

/** Facts the safety reply may name (dialogs/municipality.yaml); the first three are required. */
export const SAFETY_FACTS = ['emergency_112', 'out_of_hours_doctor', 'crisis_line'] as const;
export const OPTIONAL_SAFETY_FACTS = ['domestic_violence_line'] as const;

/** The reply's sentences (locales/<lng>/safety.json `reply`). */
export const SAFETY_REPLY_PARTS = ['intro', 'call112', 'doctor', 'crisis', 'violence', 'fire', 'person', 'check', 'checkOk'] as const;
export type SafetyReplyPart = (typeof SAFETY_REPLY_PARTS)[number];

/** Which sentences each kind of emergency gets, in order: 112 always first, then the help that fits, then a person. */
const REPLY_OF: Record<SafetyKind, SafetyReplyPart[]> = {
  medical: ['intro', 'call112', 'doctor', 'person'],
  overdose: ['intro', 'call112', 'doctor', 'person'],
  violence: ['intro', 'call112', 'violence', 'person'],
  self_harm: ['intro', 'call112', 'crisis', 'person'],
  fire: ['intro', 'call112', 'fire', 'person'],
  gas: ['intro', 'call112', 'fire', 'person'],
  threat: ['intro', 'call112', 'person'],
  danger: ['intro', 'call112', 'doctor', 'crisis', 'person'],
};

/** One language's safety phrases and reply (locales/<lng>/safety.json). */
export interface SafetyLanguage {
  /**
   * Phrases that signal immediate danger, by category. Words are compared after folding (case,
   * diacritics, letter variants); a word ending in `*` matches any word it begins; `_` stands for
   * up to three words in between; a word of five letters or more in Latin or Cyrillic script also matches with one typo that keeps its first letter.
   */
  signals: Record<SafetyCategory, string[]>;
  /**
   * Word-order-free cues by kind: groups joined by ` + ` must all occur within a few words of each
   * other, in any order; a group lists alternatives joined by `|`. An alternative is a word or a few
   * words in a row; `x*` matches words beginning with x, `*x` words ending in it, `*x*` words
   * containing it. A cue starting with `?` is weak evidence: it makes the bot ask "are you or someone else in danger now?" rather than raise the alarm. A cue starting with `!` counts only in a short message (three words or fewer),
   * e.g. a bare "fire!". Words after ` - ` (alternatives joined by `|`) cancel the cue ("hit* + son - ball*") when
   * they are in the same sentence as the words it found and within CUE_WINDOW words of them.
   */
  cues?: Partial<Record<SafetyKind, string[]>>;
  /** Varied example messages by kind, and `ordinary` ones, that the emergency classifier learns from. */
  examples?: Partial<Record<SafetyKind | 'ordinary', string[]>>;
  /** Ordinary phrases that contain a signal's words ("dying of laughter", Danish "fire børn"): never an alarm. */
  notAlarms?: string[];
  reply: Record<SafetyReplyPart, string>;
}

export interface SafetyHit {
  category: SafetyCategory;
  kind: SafetyKind;
  /** The language of the phrase that raised the alarm. */
  language: NluLanguage;
  /** A phrase or cue of the lexicon, the classifier's score, or a danger word (only ever borderline). */
  via: 'lexicon' | 'classifier' | 'words';
  score?: number;
  /** The phrase or cue that matched (for reports and tests; never logged with the message). */
  rule?: string;
}

/** What the screen makes of a message: an alarm, a borderline case to ask about, or nothing. */
export interface SafetyAssessment {
  alarm?: SafetyHit;
  /** Not sure: ask "are you or someone else in danger now?". */
  borderline?: SafetyHit;
}

type Token = { kind: 'word'; text: string } | { kind: 'prefix'; text: string } | { kind: 'gap' };

interface Pattern {
  source?: string;
  tokens: Token[];
  category?: SafetyCategory;
  language: NluLanguage;
}

/** One word of a cue: exact (with one typo in long Latin/Cyrillic words), prefix, suffix or infix. */
interface Atom {
  text: string;
  mode: 'exact' | 'prefix' | 'suffix' | 'infix';
  /**
   * Ethiopic prefixes: the stem before the last syllable, and that syllable's consonant. A suffix
   * changes the vowel of the syllable it joins ("ይሓይሽ" + "ኦም" is "ይሓይሾም"), so the prefix matches
   * any vowel of its last consonant.
   */
  ethiopic?: { stem: string; consonant: number };
}
interface Cue {
  groups: Atom[][][];
  /** Words that make the cue mean something ordinary ("hit* + daughter - ball"). */
  unless: Atom[][];
  short: boolean;
  /** A cue starting with `?` is weak evidence: the bot asks "are you or someone else in danger now?". */
  weak: boolean;
  /** Per group, a quick test of its first words: exact words, and the other first atoms. */
  quick: { exact: Set<string>; other: Atom[] }[];
  /**
   * The scripts of the cue's words: a message in none of them cannot match it. A cue may mix scripts
   * ("б'є|bye + мене|mene"): each alternative is tried on a message in its own script.
   */
  scripts: Set<string>;
  source: string;
  kind: SafetyKind;
  language: NluLanguage;
  /** Its place in the files: on a tie the earlier cue wins. */
  order: number;
}

function compile(phrase: string, language: NluLanguage, category?: SafetyCategory): Pattern {
  const tokens: Token[] = [];
  for (const raw of phrase.trim().split(/\s+/)) {
    if (raw === '_') {
      tokens.push({ kind: 'gap' });
      continue;
    }
    // Folding may split a word ("б'є" → "б є"): each part is a word; a `*` applies to the last.
    const parts = words(fold(raw.replace(/\*$/, '')));
    parts.forEach((text, i) => tokens.push({ kind: raw.endsWith('*') && i === parts.length - 1 ? 'prefix' : 'word', text }));
  }
  return { source: phrase, tokens, category, language };
}

function compileAlternative(alt: string): Atom[] {
  const atoms: Atom[] = [];
  for (const raw of alt.trim().split(/\s+/)) {
    const starts = raw.startsWith('*');
    const ends = raw.endsWith('*') && raw.length > 1;
    const parts = words(fold(raw.replace(/^\*|\*$/g, '')));
    parts.forEach((text, i) => {
      const first = i === 0 && starts;
      const last = i === parts.length - 1 && ends;
      const mode = first && last ? 'infix' : first ? 'suffix' : last ? 'prefix' : 'exact';
      const chars = [...text];
      const final = chars[chars.length - 1];
      const ethiopic = mode === 'prefix' && chars.length >= 3 && ETHIOPIC_SYLLABLE.test(final) ? { stem: chars.slice(0, -1).join(''), consonant: consonantOf(final) } : undefined;
      atoms.push(ethiopic ? { text, mode, ethiopic } : { text, mode });
    });
  }
  return atoms;
}

function compileCue(cue: string, kind: SafetyKind, language: NluLanguage): Cue {
  const weak = cue.trim().startsWith('?');
  const short = cue.trim().replace(/^\?/, '').startsWith('!');
  const [positive, negative] = cue.trim().replace(/^\?/, '').replace(/^!/, '').split(/\s-\s/);
  const groups = positive
    .split(/\s\+\s/)
    .map((g) => g.split('|').map(compileAlternative).filter((a) => a.length > 0))
    .filter((g) => g.length > 0);
  const unless = (negative ?? '').split('|').map(compileAlternative).filter((a) => a.length > 0);
  const quick = quickTestOf(groups);
  const scripts = new Set(groups.flatMap((g) => g.flatMap((alt) => alt.map((a) => scriptOf(a.text)))));
  return { groups, unless, short, weak, quick, scripts, source: cue, kind, language, order: 0 };
}

/**
 * The shortest skeleton (consonants) a cue word keeps in the skeleton cues, a whole word or a stem:
 * two consonants ("mn", "zd") are a dozen everyday words. A cue of one word, and a word's middle
 * ("*حريق*", "hrk" anywhere in a word), need one more each. A word's end is not kept: endings are
 * what skeletons share most.
 */
const SKELETON_WORD_MIN = 3;
const SKELETON_EXTRA = 1;

/**
 * A cue of a language of another script, its words as consonant skeletons (skeleton.ts), for a
 * message of that language in Latin letters: "زد* + من|مرا" becomes "zd* + mn|mr". Words in Latin
 * letters are left out (the cue matches them as written), and so are alternatives with a word whose
 * skeleton is too short to tell words apart; a cue left without a group is none.
 */
function skeletonCue(cue: Cue): Cue | undefined {
  const single = cue.groups.length === 1;
  const convert = (alt: Atom[]): Atom[] | undefined => {
    const out: Atom[] = [];
    for (const atom of alt) {
      if (/\p{Script=Latin}/u.test(atom.text) || atom.mode === 'suffix') return undefined;
      const text = skeletonOfWord(atom.text, cue.language);
      const min = SKELETON_WORD_MIN + (single && alt.length === 1 ? SKELETON_EXTRA : 0) + (atom.mode === 'infix' ? SKELETON_EXTRA : 0);
      if (text.length < min) return undefined;
      out.push({ text, mode: atom.mode });
    }
    return out;
  };
  const groups = cue.groups.map((g) => g.map(convert).filter((a): a is Atom[] => a !== undefined));
  if (groups.length === 0 || groups.some((g) => g.length === 0)) return undefined;
  const unless = cue.unless.map((alt) => alt.map((a) => ({ text: skeletonOfWord(a.text, cue.language), mode: a.mode })).filter((a) => a.text !== '')).filter((a) => a.length > 0);
  return { ...cue, groups, unless, quick: quickTestOf(groups), scripts: new Set(['latin']) };
}

/** Per group of a cue, its first words: the exact ones, and the other atoms (Cue.quick). */
function quickTestOf(groups: Atom[][][]): Cue['quick'] {
  return groups.map((g) => {
    const exact = new Set<string>();
    const other: Atom[] = [];
    for (const alt of g) {
      const first = alt[0];
      if (first.mode === 'exact' && !([...first.text].length >= CUE_FUZZY_MIN && FUZZY_SCRIPT.test(first.text))) exact.add(first.text);
      else other.push(first);
    }
    return { exact, other };
  });
}

/** A message as the screen reads it (SafetyScreen.read). */
interface Reading {
  tokens: string[];
  known: Set<string>[];
  /** The words an ordinary look-alike covers. */
  masked: boolean[];
  /** Whether a look-alike is in the message at all. */
  trapped: boolean;
  /** The sentence of each word. */
  sentence: number[];
}

/** The script a text is mostly written in (Latin, Cyrillic, Arabic, Ethiopic or other). */
function scriptOf(text: string): string {
  const counts = new Map<string, number>();
  for (const ch of text) {
    const script = /\p{Script=Latin}/u.test(ch) ? 'latin' : /\p{Script=Cyrillic}/u.test(ch) ? 'cyrillic' : /\p{Script=Arabic}/u.test(ch) ? 'arabic' : /\p{Script=Ethiopic}/u.test(ch) ? 'ethiopic' : undefined;
    if (script) counts.set(script, (counts.get(script) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'other';
}

/** Every string one deletion away: two words within one edit share one of these. */
function deletions(word: string): string[] {
  const chars = [...word];
  return chars.map((_, i) => chars.slice(0, i).concat(chars.slice(i + 1)).join(''));
}

function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const x = [...a];
  const y = [...b];
  // A typo keeps the first letter: "talked" is no typo of "stalked".
  if (Math.abs(x.length - y.length) > 1 || x[0] !== y[0]) return false;
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  let j = 0;
  while (j < x.length - i && j < y.length - i && x[x.length - 1 - j] === y[y.length - 1 - j]) j++;
  if (x.length === y.length) {
    // one substitution, or two neighbours swapped
    if (x.length - i - j <= 1) return true;
    return x.length - i - j === 2 && x[i] === y[i + 1] && x[i + 1] === y[i];
  }
  return Math.max(x.length, y.length) - i - j <= 1;
}

/** Ethiopic syllables come in rows of eight, one consonant with each vowel. */
const ETHIOPIC_SYLLABLE = /^[\u1200-\u135A]$/u;
function consonantOf(ch: string): number {
  const cp = ch.codePointAt(0)!;
  return cp - ((cp - 0x1200) % 8);
}

/**
 * Clitics written together with the next word in Arabic script: and (و), with (ب), for (ل), then (ف)
 * and the article (ال) with them ("وفاقد" is "and unconscious", "لأعيش" "to live"). A message word
 * also stands for itself without one of these, if three letters or more are left.
 */
const ARABIC_CLITICS = ['وال', 'بال', 'فال', 'لل', 'ال', 'وب', 'ول', 'و', 'ب', 'ل', 'ف'];
const ARABIC_WORD = /^\p{Script=Arabic}+$/u;
function withoutClitics(token: string): string[] {
  if (!ARABIC_WORD.test(token)) return [];
  const out: string[] = [];
  // "and" also comes before short words ("وما" is "and not"); the others need three letters left.
  for (const c of ARABIC_CLITICS) if (token.startsWith(c) && [...token].length - [...c].length >= (c === 'و' ? 2 : 3)) out.push(token.slice(c.length));
  return out;
}

/**
 * Danish and German written without their letters: "slaar" for "slår", "schlaegt" for "schlägt",
 * "koekken" for "køkken". Folding already drops the accents ("slår" → "slar"), so a Latin word with
 * aa, ae, oe or ue also stands for itself with the single vowel.
 */
const DIGRAPHS = /aa|ae|oe|ue/g;
const LATIN_WORD = /^[a-z]{4,}$/;
function withoutDigraphs(token: string): string[] {
  if (!LATIN_WORD.test(token) || !DIGRAPHS.test(token)) return [];
  DIGRAPHS.lastIndex = 0;
  return [token.replace(DIGRAPHS, (d) => d[0])];
}

const FUZZY_MIN = 5;
/** One typo is forgiven in alphabetic scripts; in Arabic and Ethiopic script one letter too often makes another word. */
const FUZZY_SCRIPT = /^[\p{Script=Latin}\p{Script=Cyrillic}]+$/u;
const MAX_GAP = 3;
/** The words of one cue must all lie within this many words. */
const CUE_WINDOW = 10;
const SHORT_MESSAGE = 3;
/** Cue words this long forgive one typo (shorter ones too often make another word: "slet" for "slaet"). */
const CUE_FUZZY_MIN = 7;
const EMPTY: Set<string> = new Set();
/** How many first or last letters of a cue word index it (cueKeyIndex). */
const KEY_LETTERS = 3;
const firstLetters = (chars: string[]): string => `^${chars.slice(0, KEY_LETTERS).join('')}`;
const lastLetters = (chars: string[]): string => `${chars.slice(-KEY_LETTERS).join('')}$`;

/**
 * The keys under which a message word can match a cue's first atom, or undefined when it cannot be keyed: a
 * prefix by its first letters, a suffix by its last ones, a long word that forgives one typo by both (one edit
 * leaves the first three or the last three letters of a word of seven or more as they were).
 */
function keysOf(atom: Atom): string[] | undefined {
  const chars = [...(atom.ethiopic?.stem ?? atom.text)];
  if (chars.length < KEY_LETTERS) return undefined;
  if (atom.mode === 'prefix') return [firstLetters(chars)];
  if (atom.mode === 'suffix') return [lastLetters(chars)];
  if (atom.mode === 'exact') return [firstLetters(chars), lastLetters(chars)];
  return undefined;
}

/** The keys of a message word: its first and its last letters. */
function keysOfWord(word: string): string[] {
  const chars = [...word];
  return [firstLetters(chars), lastLetters(chars)];
}

/** Skeleton classifier thresholds (assessSkeleton): the reply at once, the question, and how much likelier than an ordinary message. */
const SKELETON_ALARM = 0.85;
const SKELETON_ASK = 0.5;
const SKELETON_MARGIN = 0.05;
/**
 * A danger word read by skeleton asks unless the skeleton examples find the message this much less like an
 * emergency than an ordinary one: on the dev and probe sets, 5 more of 733 Latin-letter emergencies asked
 * about for 6 more questions on 933 ordinary messages (with no margin test, 6 for 29).
 */
const SKELETON_DANGER_MARGIN = 0.05;

/** Classifier thresholds: at or above ALARM the message is an emergency; from ASK up the bot asks. */
export const CLASSIFIER_ALARM = 0.85;
export const CLASSIFIER_ASK = 0.5;
/**
 * Kinds whose classifier score raises the reply at once from lower, when the kind is likeliest of all (ordinary
 * too). Self-harm is mostly said indirectly, so its score seldom reaches CLASSIFIER_ALARM: on the blind sets
 * 2026-12f to 12i no ordinary message and 5 indirect ones the bot only asked about scored 0.6 or more.
 */
const CLASSIFIER_ALARM_OF: Partial<Record<SafetyKind, number>> = { self_harm: 0.6 };
/**
 * Kinds the classifier asks about from a lower score: the few self-harm examples rarely come close to
 * an indirect message ("i dont see myself here next week"), and asking costs a moment while a silent
 * miss can cost a life. It asks when that kind is the likeliest emergency, scores this much, and is
 * at most LEAN_MARGIN less likely than an ordinary message, in a message of LEAN_WORDS words or more
 * (a short "i want to work" shares the "i want" of the examples and little else).
 */
const CLASSIFIER_LEAN_ASK: Partial<Record<SafetyKind, number>> = { self_harm: 0.2 };
/**
 * 0.1 (was 0.05): on the probe sets, never tuned on, 4 more of 315 indirect self-harm messages get the
 * question instead of silence, for 17 more questions on 1,917 ordinary messages (4.4 → 5.3 %).
 */
const LEAN_MARGIN = 0.1;
const LEAN_WORDS = 5;
/** A danger word in a word that this many ordinary phrases use counts for nothing. */
const COMMON_WORD = 6;
/** A message the classifier finds this like the ordinary examples, by this margin, is not asked about. */
const PLAINLY_ORDINARY = 0.5;
const PLAINLY_ORDINARY_MARGIN = 0.2;
/** The classifier speaks only on messages this long: a short one has too few features to be sure (the lexicon covers "fire!"). */
const CLASSIFIER_ALARM_WORDS = 3;
/** Distinct danger words of one kind (no word shared) that raise the emergency reply at once, unless the message is plainly ordinary (askOnDangerWords). */
const DANGER_WORDS_ALARM = 2;
/**
 * Unless the classifier finds the message an ordinary one by this margin (less than PLAINLY_ORDINARY_MARGIN, which
 * does not even ask): two medicine names in "can I take ibuprofen and paracetamol together" are a question about a dose.
 */
const LEANS_ORDINARY_MARGIN = 0.15;
/** The weight (words) of one danger phrase that raises the reply at once when the classifier names its kind first (askOnDangerWords). */
const DANGER_PHRASE_ALARM = 2;
/** By how much the classifier must find that phrase's kind likelier than an ordinary message. */
const DANGER_PHRASE_MARGIN = 0.03;
/** By how much the classifier must find one danger word's kind likelier than an ordinary message for that word alone to raise the reply. */
const DANGER_WORD_MARGIN = 0.1;
/** A count of pills ("took 40 sleeping pills"): digits from this number up, not a dose, a time or an age. */
const OVERDOSE_COUNT = 10;
/** Words after a number that make it a dose, an amount or an age rather than a count of pills. */
const NOT_A_COUNT = foldedWords([
  'mg', 'mgr', 'ml', 'g', 'gr', 'mcg', 'ug', 'kg', 'l', 'cl', 'dl', 'kr', 'dkk', 'kroner', 'eur', 'euro', 'мг', 'мл', 'г', 'гр', 'кг', 'л', 'крон', 'ملغ', 'مغ', 'ملغم', 'ملجم', 'مل', 'غرام', 'جرام', 'میلی', 'میلیگرم', 'گرم', 'ملي', 'ګرامه', 'ግራም', 'ሚሊ',
]);

/** Whether the words hold a count of ten or more in digits, not a dose ("400 mg"), a time ("10 30") or an age ("15 years"). */
export function hasCount(tokens: string[]): boolean {
  const digits = (t: string | undefined): boolean => t !== undefined && /^\d+$/.test(t);
  return tokens.some((t, i) => /^\d{2,3}$/.test(t) && Number(t) >= OVERDOSE_COUNT && !digits(tokens[i - 1]) && !digits(tokens[i + 1]) && !NOT_A_COUNT.has(tokens[i + 1] ?? '') && !YEARS.has(tokens[i + 1] ?? ''));
}

/**
 * Whether a message word matches a cue word. A word that is itself a word of the lexicon is not
 * taken for a typo of another ("turning" is not "burning").
 */
function atomMatches(atom: Atom, token: string, lexicon?: Set<string>): boolean {
  if (token === '') return false;
  switch (atom.mode) {
    case 'exact':
      return token === atom.text || ([...atom.text].length >= CUE_FUZZY_MIN && FUZZY_SCRIPT.test(atom.text) && !lexicon?.has(token) && withinOneEdit(token, atom.text));
    case 'prefix':
      if (token.startsWith(atom.text)) return true;
      if (!atom.ethiopic || !token.startsWith(atom.ethiopic.stem)) return false;
      {
        const next = token.slice(atom.ethiopic.stem.length)[0];
        return next !== undefined && ETHIOPIC_SYLLABLE.test(next) && consonantOf(next) === atom.ethiopic.consonant;
      }
    case 'suffix':
      return token.endsWith(atom.text);
    case 'infix':
      return token.includes(atom.text);
  }
}

/**
 * The safety screen: looks for signs of immediate danger, violence, self-harm or a medical
 * emergency in every language at once, whatever language the user chose, in three ways: the
 * phrase list, word-order-free cues of stems (a subject or object with a verb, "hit* + me"), and a
 * classifier trained on varied emergency and ordinary examples in all ten languages, whose
 * borderline scores make the bot ask rather than miss. Separate from intent recognition, and runs
 * before it. Deterministic; phrases, cues, examples and replies live in locales/<lng>/safety.json.
 */
export class SafetyScreen {
  private readonly signals: Pattern[] = [];
  private readonly notAlarms: Pattern[] = [];
  private readonly cues: Cue[] = [];
  /** Folded signal word → itself; and each of its one-deletion variants → the words they come from. */
  private readonly fuzzy = new Map<string, Set<string>>();
  private readonly byFirstWord = new Map<string, Pattern[]>();
  private readonly firstWords = new Set<string>();
  private readonly otherStarts: Pattern[] = [];
  private readonly classifier: NgramClassifier;
  /** The same examples as consonant skeletons (skeleton.ts): for a language of another script written in Latin letters. */
  private readonly skeletons = new Map<NluLanguage, NgramClassifier>();
  /** The danger words of those languages as skeletons. */
  private readonly skeletonDanger = new Map<NluLanguage, DangerWords>();
  /** The cues of those languages with their words as skeletons (skeletonCue). */
  private readonly skeletonCues = new Map<NluLanguage, Cue[]>();
  /** Cues by the words of one of their groups that has only plain words: a message without one of them cannot match. */
  private readonly cueIndex = new Map<string, Cue[]>();
  /**
   * Cues by the keys (keysOf) of one of their groups whose alternatives all begin with a plain word (in cueIndex),
   * a prefix, a suffix or a long typo-forgiving word of KEY_LETTERS letters or more.
   */
  private readonly cueKeyIndex = new Map<string, Cue[]>();
  /** The other cues, by script. */
  private readonly unindexedCues = new Map<string, Cue[]>();
  private readonly notAlarmByFirstWord = new Map<string, Pattern[]>();
  private readonly notAlarmOtherStarts: Pattern[] = [];
  /** Every plain word of the cues and of the ordinary examples: a message word among them is not read as a typo of another. */
  private readonly cueWords = new Set<string>();
  /** Per kind, the one-word exceptions of its cues ("hit* + me - boxing|ball*"): words of the ordinary look-alikes. */
  private readonly lookAlikes = new Map<SafetyKind, Atom[]>();

  constructor(
    readonly languages: Record<NluLanguage, SafetyLanguage>,
    private readonly facts: Record<string, string>,
    options: { ordinary?: { text: string; language: NluLanguage }[]; personButton?: Partial<Record<NluLanguage, string>>; yesNo?: Partial<Record<NluLanguage, [string, string]>>; danger?: DangerWords } = {},
  ) {
    this.danger = options.danger;
    for (const { text } of options.ordinary ?? []) for (const w of new Set(words(fold(text)))) this.ordinaryWords.set(w, (this.ordinaryWords.get(w) ?? 0) + 1);
    this.personButtons = options.personButton ?? {};
    this.yesNo = options.yesNo ?? {};
    const examples: { text: string; label: string; language: NluLanguage }[] = [];
    for (const lng of NLU_LANGUAGES) {
      const spec = languages[lng];
      for (const category of SAFETY_CATEGORIES) {
        for (const phrase of spec.signals[category] ?? []) {
          this.signals.push(compile(phrase, lng, category));
          examples.push({ text: phrase.replace(/\*|(^|\s)_(\s|$)/g, ' '), label: KIND_OF_CATEGORY[category], language: lng });
        }
      }
      for (const phrase of spec.notAlarms ?? []) {
        this.notAlarms.push(compile(phrase, lng));
        examples.push({ text: phrase, label: 'ordinary', language: lng });
      }
      for (const kind of SAFETY_KINDS) for (const cue of spec.cues?.[kind] ?? []) this.cues.push({ ...compileCue(cue, kind, lng), order: this.cues.length });
      for (const [label, list] of Object.entries(spec.examples ?? {})) for (const text of list ?? []) examples.push({ text, label, language: lng });
    }
    for (const { text, language } of options.ordinary ?? []) examples.push({ text, label: 'ordinary', language });
    this.classifier = new NgramClassifier(examples);
    for (const lng of SKELETON_LANGUAGES) {
      const sk = this.danger?.inSkeletons(lng, SKELETON_WORD_MIN);
      if (sk) this.skeletonDanger.set(lng, sk);
      this.skeletons.set(lng, new NgramClassifier(examples.filter((e) => e.language === lng).map((e) => ({ text: skeleton(fold(e.text), lng), label: e.label }))));
    }
    // Words of the ordinary examples are spelt as people write them: not typos of a cue word ("cooking" is not "choking").
    for (const e of examples) if (e.label === 'ordinary') for (const w of words(fold(e.text))) this.cueWords.add(w);
    for (const p of this.signals) {
      const first = p.tokens[0];
      if (first?.kind === 'word') this.byFirstWord.set(first.text, [...(this.byFirstWord.get(first.text) ?? []), p]);
      else this.otherStarts.push(p);
      if (first?.kind === 'word') this.firstWords.add(first.text);
    }
    // Typos are forgiven in signal words only: an ordinary phrase must be written as listed ("feuern" must not hide "feuer").
    for (const p of this.signals) {
      for (const t of p.tokens) {
        if (t.kind !== 'word') continue;
        if ([...t.text].length < FUZZY_MIN || !FUZZY_SCRIPT.test(t.text)) continue;
        for (const d of [t.text, ...deletions(t.text)]) {
          const set = this.fuzzy.get(d) ?? new Set<string>();
          set.add(t.text);
          this.fuzzy.set(d, set);
        }
      }
    }
    this.indexCues();
  }

  private indexCues(): void {
    for (const cue of this.cues) {
      if (!isSkeletonLanguage(cue.language)) continue;
      const sk = skeletonCue(cue);
      if (sk) this.skeletonCues.set(cue.language, [...(this.skeletonCues.get(cue.language) ?? []), sk]);
    }
    for (const cue of this.cues) {
      for (const group of cue.groups) for (const alt of group) for (const atom of alt) if (atom.mode === 'exact') this.cueWords.add(atom.text);
      const lookAlikes = this.lookAlikes.get(cue.kind) ?? [];
      for (const alt of cue.unless) if (alt.length === 1 && !lookAlikes.some((a) => a.text === alt[0].text && a.mode === alt[0].mode)) lookAlikes.push(alt[0]);
      this.lookAlikes.set(cue.kind, lookAlikes);
      const anchor = cue.quick.find((q) => q.other.length === 0 && q.exact.size > 0);
      if (anchor) {
        for (const w of anchor.exact) this.cueIndex.set(w, [...(this.cueIndex.get(w) ?? []), cue]);
        continue;
      }
      // Else a group whose alternatives all begin with a plain word or a keyed atom ("hit*|beat* + me"): a message
      // word can match it only if it is that word or shares a key with the atom (its first or last letters).
      const byKeys = cue.quick.find((q) => q.other.every((a) => keysOf(a) !== undefined));
      if (byKeys) {
        for (const w of byKeys.exact) this.cueIndex.set(w, [...(this.cueIndex.get(w) ?? []), cue]);
        for (const key of new Set(byKeys.other.flatMap((a) => keysOf(a)!))) this.cueKeyIndex.set(key, [...(this.cueKeyIndex.get(key) ?? []), cue]);
        continue;
      }
      for (const script of cue.scripts) this.unindexedCues.set(script, [...(this.unindexedCues.get(script) ?? []), cue]);
    }
    for (const p of this.notAlarms) {
      const first = p.tokens[0];
      if (first?.kind === 'word') this.notAlarmByFirstWord.set(first.text, [...(this.notAlarmByFirstWord.get(first.text) ?? []), p]);
      else this.notAlarmOtherStarts.push(p);
    }
  }

  private readonly danger: DangerWords | undefined;
  /** In how many ordinary phrases (nlu.json) each word occurs: the danger words ignore everyday words. */
  private readonly ordinaryWords = new Map<string, number>();
  private readonly personButtons: Partial<Record<NluLanguage, string>>;
  private readonly yesNo: Partial<Record<NluLanguage, [string, string]>>;

  /**
   * Reads locales/<lng>/safety.json for all ten languages, the numbers from dialogs/municipality.yaml,
   * the ordinary example phrases (nlu.json) the classifier contrasts emergencies with, and the
   * words of the buttons (commands.json: a person, yes, no).
   */
  static load(options: { localesDir?: string; dialogsDir?: string; bank?: PhraseBank } = {}): SafetyScreen {
    const localesDir = options.localesDir ?? LOCALES_DIR;
    const languages = {} as Record<NluLanguage, SafetyLanguage>;
    const personButton: Partial<Record<NluLanguage, string>> = {};
    const yesNo: Partial<Record<NluLanguage, [string, string]>> = {};
    for (const lng of NLU_LANGUAGES) {
      const path = localeFile(localesDir, lng, 'safety.json');
      let spec: SafetyLanguage;
      try {
        spec = JSON.parse(readFileSync(path, 'utf8')) as SafetyLanguage;
      } catch (err) {
        throw new Error(`${path}: cannot read the safety phrases (${(err as Error).message})`);
      }
      for (const part of SAFETY_REPLY_PARTS) {
        if (typeof spec.reply?.[part] !== 'string' || spec.reply[part].trim() === '') throw new Error(`${path}: reply.${part} is missing`);
      }
      for (const category of SAFETY_CATEGORIES) {
        if (!Array.isArray(spec.signals?.[category]) || spec.signals[category].length === 0) throw new Error(`${path}: signals["${category}"] needs at least one phrase`);
      }
      for (const [kind, list] of Object.entries(spec.cues ?? {})) {
        if (!(SAFETY_KINDS as readonly string[]).includes(kind)) throw new Error(`${path}: cues["${kind}"] is not a kind (known: ${SAFETY_KINDS.join(', ')})`);
        if (!Array.isArray(list) || list.some((c) => typeof c !== 'string' || c.trim() === '')) throw new Error(`${path}: cues["${kind}"] must be a list of cues`);
        const empty = list.find((c) => compileCue(c, kind as SafetyKind, lng).groups.length === 0);
        if (empty !== undefined) throw new Error(`${path}: cues["${kind}"] ${JSON.stringify(empty)} has no letters or digits to match`);
      }
      // A phrase of only emoji or punctuation folds to no words and would match every message.
      const wordless = (phrase: unknown): boolean => typeof phrase !== 'string' || compile(phrase, lng).tokens.every((t) => t.kind === 'gap');
      for (const category of SAFETY_CATEGORIES) {
        const bad = spec.signals[category].find(wordless);
        if (bad !== undefined) throw new Error(`${path}: signals["${category}"] ${JSON.stringify(bad)} has no letters or digits to match`);
      }
      const badNotAlarm = (spec.notAlarms ?? []).find(wordless);
      if (badNotAlarm !== undefined) throw new Error(`${path}: notAlarms ${JSON.stringify(badNotAlarm)} has no letters or digits to match (it would silence every message)`);
      languages[lng] = spec;
      try {
        const commands = JSON.parse(readFileSync(localeFile(localesDir, lng, 'commands.json'), 'utf8')) as { words?: { human?: string[] }; labels?: { yes?: string; no?: string } };
        const human = [...(commands.words?.human ?? [])].sort((a, b) => b.length - a.length)[0];
        if (human) personButton[lng] = human.charAt(0).toUpperCase() + human.slice(1);
        if (commands.labels?.yes && commands.labels.no) yesNo[lng] = [commands.labels.yes, commands.labels.no];
      } catch {
        // a language without commands.json gets no buttons; the sentences still say what to write
      }
    }
    const content = loadContent(options.dialogsDir);
    // A folder without a safety fact at all (e.g. a test fixture) gets the project's own, sourced one;
    // a fact that is there but unconfirmed stops start-up.
    const own = options.dialogsDir ? loadContent() : content;
    const facts: Record<string, string> = {};
    for (const name of [...SAFETY_FACTS, ...OPTIONAL_SAFETY_FACTS]) {
      const value = (content.facts.get(name) ?? own.facts.get(name))?.value;
      if (typeof value === 'string' || typeof value === 'number') facts[name] = String(value);
      else if ((SAFETY_FACTS as readonly string[]).includes(name)) {
        throw new Error(`dialogs/municipality.yaml: the safety screen needs the fact "${name}" with a confirmed value`);
      }
    }
    let bank = options.bank;
    if (!bank) {
      try {
        bank = loadPhraseBank(localesDir);
      } catch {
        bank = undefined;
      }
    }
    const ordinary = bank ? allPhrases(bank).map((p) => ({ text: p.text, language: p.language })) : [];
    return new SafetyScreen(languages, facts, { ordinary, personButton, yesNo, danger: DangerWords.load(localesDir) });
  }

  /** The alarm a message raises, or undefined. `preferred` (e.g. the message's or user's language) wins a tie. */
  screen(text: string, preferred: string[] = []): SafetyHit | undefined {
    return this.assess(text, preferred).alarm;
  }

  /**
   * Alarm, borderline or nothing: the lexicon first (phrases, then cues), then the classifier's score;
   * for a message in Latin letters from someone whose language has another script, also the examples'
   * consonant skeletons.
   */
  assess(text: string, preferred: string[] = []): SafetyAssessment {
    const reading = this.read(text);
    if (reading.tokens.length === 0) return {};
    const found = this.assessAsWritten(text, preferred, reading);
    if (found.alarm) return found;
    return this.assessSkeleton(text, preferred, found, reading) ?? found;
  }

  /** The message's folded words, what each may stand for, and which of them an ordinary look-alike covers. */
  private read(text: string): Reading {
    const tokens = words(fold(text));
    const masked = tokens.map(() => false);
    const known = tokens.map((t) => this.knownWordsFor(t));
    let trapped = false;
    for (const p of this.notAlarmsFor(tokens, known)) {
      for (const span of this.matches(p, tokens, known)) {
        trapped = true;
        for (let i = span[0]; i < span[1]; i++) masked[i] = true;
      }
    }
    return { tokens, known, masked, trapped, sentence: sentenceOfEachWord(text, tokens.length) };
  }

  /**
   * "darabni zawji" (he hit me, Arabic in Latin letters) shares few letters with "ضربني زوجي", but the
   * same consonant skeleton. Only for someone whose language (preferred) has another script, writing in
   * Latin letters, in a message that holds no look-alike; the reply is in that language. The language's
   * cues, then its examples (messages of CLASSIFIER_ALARM_WORDS words or more), then its danger words.
   */
  private assessSkeleton(text: string, preferred: string[], found: SafetyAssessment, { tokens, trapped, sentence }: Reading): SafetyAssessment | undefined {
    const language = preferred.find(isSkeletonLanguage);
    if (!language || trapped) return undefined;
    if (!inLatinLetters(fold(text))) return undefined;
    const forms = tokens.map((t) => [skeletonOfWord(t, language)]);
    const asSkeleton = forms.map(([f]) => f).filter((f) => f !== '').join(' ');
    let cueHit: { cue: Cue; rank: number } | undefined;
    for (const cue of this.skeletonCues.get(language) ?? []) {
      if (cue.short && tokens.length > SHORT_MESSAGE) continue;
      if (!this.passesQuickTest(cue, forms)) continue;
      const covered = this.cueMatches(cue, forms, forms, sentence);
      if (covered === 0) continue;
      const rank = cue.groups.length * 2 + Math.min(covered, 9) * 0.05 - (cue.weak ? 10 : 0);
      if (!cueHit || rank > cueHit.rank) cueHit = { cue, rank };
    }
    const ranked = this.skeletons.get(language)!.rank(asSkeleton);
    const ordinary = ranked.find((r) => r.label === 'ordinary')?.score ?? 0;
    const emergency = ranked.find((r) => r.label !== 'ordinary')?.score ?? 0;
    if (cueHit) {
      const hit: SafetyHit = { category: CATEGORY_OF[cueHit.cue.kind], kind: cueHit.cue.kind, language, via: 'lexicon', rule: `${language} in Latin letters: ${cueHit.cue.source}` };
      // Skeletons of unlike words can meet (Farsi "kharidam", I bought, and "khordam", I ate, are both "hrdm"):
      // a cue raises the reply at once only when the skeleton examples, too, find the message no less like an
      // emergency than an ordinary message; else it asks.
      if (!cueHit.cue.weak && emergency >= ordinary) return { alarm: hit };
      if (!found.borderline) return { borderline: hit };
    }
    // Else a danger word of the language (danger.json) by skeleton asks, when the skeleton examples find the
    // message about as like an emergency as an ordinary message.
    const dangerWord = (): SafetyAssessment | undefined => {
      if (found.borderline) return undefined;
      const strongest = this.skeletonDanger.get(language)?.strongest(asSkeleton);
      if (!strongest || emergency < ordinary - SKELETON_DANGER_MARGIN) return undefined;
      return { borderline: { category: CATEGORY_OF[strongest.kind], kind: strongest.kind, language, via: 'words' } };
    };
    if (tokens.length < CLASSIFIER_ALARM_WORDS) return dangerWord();
    const top = ranked[0];
    if (!top || top.label === 'ordinary') return dangerWord();
    const kind = top.label as SafetyKind;
    const hit: SafetyHit = { category: CATEGORY_OF[kind], kind, language, via: 'classifier', score: Math.round(top.score * 1000) / 1000 };
    if (top.score >= SKELETON_ALARM && top.score >= ordinary + SKELETON_MARGIN) return { alarm: hit };
    if (!found.borderline && top.score >= SKELETON_ASK && top.score >= ordinary + SKELETON_MARGIN) return { borderline: hit };
    return dangerWord();
  }

  /** Whether each group's first words are among the message's words (a cheap test before cueMatches). */
  private passesQuickTest(cue: Cue, forms: string[][]): boolean {
    return cue.quick.every((q) => forms.some((f) => f.some((t) => q.exact.has(t))) || q.other.some((a) => forms.some((f) => f.some((t) => atomMatches(a, t, this.cueWords)))));
  }

  private assessAsWritten(text: string, preferred: string[], { tokens, known, masked, trapped, sentence }: Reading): SafetyAssessment {
    const open = known.map((k, i) => (masked[i] ? EMPTY : k));
    const openTokens = tokens.map((t, i) => (masked[i] ? '' : t));
    // The most specific phrase wins ("ich will mich umbringen" over "will mich umbringen"); then
    // a phrase in a preferred language; then the order of the files.
    let best: { hit: SafetyHit; rank: number } | undefined;
    for (const p of this.candidates(open)) {
      if (this.matches(p, openTokens, open).length === 0) continue;
      // A generic danger phrase ("gas", "help me now") yields to a cue that names the kind.
      const rank = p.tokens.length * 2 + (preferred.includes(p.language) ? 1 : 0) - (p.category === 'emergency.danger' ? 3 : 0);
      if (!best || rank > best.rank) best = { hit: { category: p.category!, kind: KIND_OF_CATEGORY[p.category!], language: p.language, via: 'lexicon', rule: p.source }, rank };
    }
    const scripts = new Set(tokens.map(scriptOf));
    // Each open word with what it stands for without an Arabic-script clitic ("وفاقد" → "فاقد") or a digraph ("slaar" → "slar").
    const forms = openTokens.map((t) => (t === '' ? [] : [t, ...withoutClitics(t), ...withoutDigraphs(t)]));
    let weak: { hit: SafetyHit; rank: number } | undefined;
    const allForms = tokens.map((t) => [t, ...withoutClitics(t), ...withoutDigraphs(t)]);
    for (const cue of this.cuesFor(forms, scripts)) {
      if (cue.short && tokens.length > SHORT_MESSAGE) continue;
      if (![...cue.scripts].some((script) => scripts.has(script))) continue;
      if (!this.passesQuickTest(cue, forms)) continue;
      const covered = this.cueMatches(cue, forms, allForms, sentence);
      if (covered === 0) continue;
      // More groups first; then, between cues of as many groups, the one that covers more words
      // ("einschlafen + nicht mehr aufwachen" over "nicht mehr + aufwachen"); then the preferred language.
      const rank = cue.groups.length * 2 + 0.5 + Math.min(covered, 9) * 0.05 + (preferred.includes(cue.language) ? 1 : 0);
      if (cue.weak) {
        if (!weak || rank > weak.rank) weak = { hit: { category: CATEGORY_OF[cue.kind], kind: cue.kind, language: cue.language, via: 'lexicon', rule: `${cue.language}: ${cue.source}` }, rank };
        continue;
      }
      if (!best || rank > best.rank) best = { hit: { category: CATEGORY_OF[cue.kind], kind: cue.kind, language: cue.language, via: 'lexicon', rule: `${cue.language}: ${cue.source}` }, rank };
    }
    if (best) {
      // A generic phrase ("help me now") names no kind; a cue of the same message may.
      return { alarm: best.hit };
    }
    // A weak cue ("?") asks when neither the classifier nor the danger words raise the alarm themselves; else a danger word may.
    const short = tokens.length < CLASSIFIER_ALARM_WORDS;
    const ranked = short ? undefined : this.classifier.rank(openTokens.filter((t) => t !== '').join(' '));
    const dangerWords = (): SafetyAssessment => this.askOnDangerWords(openTokens, text, preferred, trapped, ranked);
    const none = (): SafetyAssessment => (weak ? this.orDangerAlarm({ borderline: weak.hit }, dangerWords) : dangerWords());
    if (!ranked) return none();
    const top = ranked[0];
    if (!top || top.label === 'ordinary') {
      const em = ranked.find((r) => r.label !== 'ordinary');
      const ordinary = top?.score ?? 0;
      if (!trapped && em && em.score >= CLASSIFIER_ASK && em.score >= ordinary - 0.02) return this.orDangerAlarm({ borderline: this.classified(em.label as SafetyKind, em.score, text, preferred) }, dangerWords);
      return (!trapped && em && this.leans(em, ordinary, tokens.length) && this.orDangerAlarm({ borderline: this.classified(em.label as SafetyKind, em.score, text, preferred) }, dangerWords)) || none();
    }
    const ordinary = ranked.find((r) => r.label === 'ordinary')?.score ?? 0;
    const hit = this.classified(top.label as SafetyKind, top.score, text, preferred);
    if (top.score >= (CLASSIFIER_ALARM_OF[top.label as SafetyKind] ?? CLASSIFIER_ALARM) && !trapped) return { alarm: hit };
    if (top.score >= CLASSIFIER_ASK && !trapped && top.score >= ordinary + 0.05) return this.orDangerAlarm({ borderline: hit }, dangerWords);
    if (!trapped && this.leans(top, ordinary, tokens.length)) return this.orDangerAlarm({ borderline: hit }, dangerWords);
    return none();
  }

  /** Whether the likeliest emergency is a kind asked about from a lower score (CLASSIFIER_LEAN_ASK), and the message leans to it. */
  private leans(em: Ranked, ordinary: number, words: number): boolean {
    const from = CLASSIFIER_LEAN_ASK[em.label as SafetyKind];
    return from !== undefined && words >= LEAN_WORDS && em.score >= from && em.score >= ordinary - LEAN_MARGIN;
  }

  /** A borderline classifier score asks, unless the danger words raise the alarm themselves. */
  private orDangerAlarm(borderline: SafetyAssessment, words: () => SafetyAssessment): SafetyAssessment {
    const fromWords = words();
    return fromWords.alarm ? fromWords : borderline;
  }

  /**
   * Nothing else raised: a danger word outside the ordinary look-alikes still makes the bot ask
   * once (two of one kind that share no word, or one the classifier backs, raise the reply at once), unless the message holds an ordinary look-alike (the words around it belong to it: "threatened
   * to fire me") or the classifier finds it plainly like the ordinary examples and traps.
   */
  private askOnDangerWords(openTokens: string[], text: string, preferred: string[], trapped: boolean, ranked?: Ranked[]): SafetyAssessment {
    if (!this.danger || trapped) return {};
    const open = openTokens.filter((t) => t !== '').join(' ');
    const strongest = this.danger.strongest(open, (w) => (this.ordinaryWords.get(w) ?? 0) >= COMMON_WORD);
    if (!strongest) return {};
    const { kind } = strongest;
    const scores = ranked ?? this.classifier.rank(open);
    const ordinary = scores.find((r) => r.label === 'ordinary')?.score ?? 0;
    const emergency = scores.find((r) => r.label !== 'ordinary')?.score ?? 0;
    if (ordinary >= PLAINLY_ORDINARY && ordinary - emergency >= PLAINLY_ORDINARY_MARGIN) return {};
    const hit: SafetyHit = { category: CATEGORY_OF[kind], kind, language: this.languageOf(text, preferred), via: 'words' };
    // Several danger words of one kind together ("grabbed my neck and threw me on the floor") in a message
    // the classifier does not find plainly ordinary are the emergency itself: the reply at once, not the
    // question (the classifier knows few ways of saying it, so its lean is no test); but only the question
    // when a word of an ordinary look-alike is there too (a boxing son "hits hard").
    const lookAlikes = this.lookAlikes.get(kind) ?? [];
    const lookAlike = openTokens.some((t) => t !== '' && lookAlikes.some((a) => atomMatches(a, t)));
    const same = scores.find((r) => r.label === kind)?.score ?? 0;
    if (strongest.entries >= DANGER_WORDS_ALARM && !lookAlike && !(ordinary >= PLAINLY_ORDINARY && ordinary - emergency >= LEANS_ORDINARY_MARGIN)) return { alarm: hit };
    // A count of pills with an overdose word ("took 40 sleeping pills") is the overdose itself, when the
    // classifier's likeliest emergency is an overdose and no less likely than an ordinary message.
    if (kind === 'overdose' && same === emergency && same >= ordinary && !lookAlike && hasCount(openTokens)) return { alarm: hit };
    // One danger phrase of two words or more ("did it again", "за мной идет") is as good, when the
    // classifier's likeliest emergency is that very kind and a little likelier than an ordinary message.
    if (same === emergency && same >= ordinary + DANGER_PHRASE_MARGIN && !lookAlike && this.danger.longestPhrase(open, kind) >= DANGER_PHRASE_ALARM) return { alarm: hit };
    // One danger word is enough when the classifier, on the rest of the message too, clearly names that
    // kind ("из подвала идет дым"); not for an overdose: "pills", "swallowed" are everyday medicine talk,
    // and the classifier's lean comes from those very words.
    if (kind !== 'overdose' && same === emergency && same >= ordinary + DANGER_WORD_MARGIN && !lookAlike) return { alarm: hit };
    return { borderline: hit };
  }

  /** How many phrases, cues and classifier examples the screen holds (for reports). */
  get size(): { signals: number; cues: number } {
    return { signals: this.signals.length, cues: this.cues.length };
  }

  private classified(kind: SafetyKind, score: number, text: string, preferred: string[]): SafetyHit {
    return { category: CATEGORY_OF[kind], kind, language: this.languageOf(text, preferred), via: 'classifier', score: Math.round(score * 1000) / 1000 };
  }

  /** The language to answer a classifier hit in: the script tells most; the preferred language breaks ties. */
  private languageOf(text: string, preferred: string[]): NluLanguage {
    const scripts: [RegExp, NluLanguage[]][] = [
      [/\p{Script=Ethiopic}/u, ['ti']],
      [/\p{Script=Cyrillic}/u, ['uk', 'ru']],
      [/\p{Script=Arabic}/u, ['ar', 'fa', 'ps']],
    ];
    for (const [re, langs] of scripts) {
      // The first preferred language of the script (the user's own before the one the message was identified as).
      if (re.test(text)) return preferred.find((l): l is NluLanguage => langs.includes(l as NluLanguage)) ?? langs[0];
    }
    const pref = preferred.find((l): l is NluLanguage => ['da', 'en', 'de', 'so'].includes(l));
    return pref ?? 'en';
  }

  /** The sentences of the reply to an emergency of this kind (or category), in a language: 112 first. */
  reply(language: string, kind: SafetyKind | SafetyCategory = 'danger'): string[] {
    const spec = this.languages[this.lng(language)];
    const k: SafetyKind = (SAFETY_KINDS as readonly string[]).includes(kind) ? (kind as SafetyKind) : KIND_OF_CATEGORY[kind as SafetyCategory];
    let parts = REPLY_OF[k];
    // Without a confirmed helpline number the violence reply names the doctor and the crisis line instead.
    if (parts.includes('violence') && !this.facts.domestic_violence_line) parts = REPLY_OF.danger;
    return parts.map((part) => this.fill(spec.reply[part]));
  }

  /** The button that asks for a person (a command word of commands.json), if the language has one. */
  personButton(language: string): string | undefined {
    return this.personButtons[this.lng(language)];
  }

  /** The borderline question and its yes/no buttons. */
  check(language: string): { text: string; choices: string[] } {
    const lng = this.lng(language);
    return { text: this.fill(this.languages[lng].reply.check), choices: this.yesNo[lng] ?? [] };
  }

  /** What the bot says when the user answers the borderline question with no. */
  /**
   * The answer to "no, not in danger". After a message that read like thoughts of self-harm, it still
   * names the crisis line: someone who thinks of ending their life may well not be in danger right now.
   */
  checkOk(language: string, kind?: SafetyKind): string {
    const reply = this.languages[this.lng(language)].reply;
    return kind === 'self_harm' ? `${this.fill(reply.checkOk)}\n\n${this.fill(reply.crisis)}` : this.fill(reply.checkOk);
  }

  /** Whether a reply to the borderline question is a yes or a no: the buttons, 1/2, or a yes/no word of any language. */
  yesNoOf(text: string): 'yes' | 'no' | undefined {
    const t = fold(text);
    if (t === '1') return 'yes';
    if (t === '2') return 'no';
    for (const [yes, no] of Object.values(this.yesNo)) {
      if (t === fold(yes)) return 'yes';
      if (t === fold(no)) return 'no';
    }
    return undefined;
  }

  private lng(language: string): NluLanguage {
    return (NLU_LANGUAGES as readonly string[]).includes(language) ? (language as NluLanguage) : 'en';
  }

  private fill(sentence: string): string {
    return sentence.replace(/\{\{(\w+)\}\}/g, (all, name: string) => this.facts[name] ?? all);
  }

  /**
   * Whether every group of the cue occurs, in any order, on words not used twice, within CUE_WINDOW
   * words: the number of words the groups cover, or 0.
   */
  private cueMatches(cue: Cue, open: string[][], all: string[][], sentence: number[]): number {
    const spans: [number, number][][] = [];
    let cancels: [number, number][] = [];
    for (const group of [...cue.groups, cue.unless]) {
      if (group.length === 0) continue;
      // The words that cancel a cue count even inside an ordinary phrase ("hits the ball").
      const tokens = group === cue.unless ? all : open;
      const found: [number, number][] = [];
      for (let start = 0; start < tokens.length; start++) {
        for (const alt of group) {
          if (start + alt.length > tokens.length) continue;
          let ok = true;
          for (let k = 0; k < alt.length && ok; k++) ok = tokens[start + k].some((t) => atomMatches(alt[k], t, this.cueWords));
          if (ok) found.push([start, start + alt.length]);
        }
      }
      if (group === cue.unless) {
        cancels = found;
        continue;
      }
      if (found.length === 0) return 0;
      spans.push(found);
    }
    // A word that cancels the cue does so in the sentence of the words the cue found, not from another
    // sentence ("The kids played football. Now he is hitting me").
    const cancelled = (used: [number, number][], lo: number, hi: number): boolean =>
      cancels.some((c) => c[1] > lo - CUE_WINDOW && c[0] < hi + CUE_WINDOW && used.some((u) => sentence[c[0]] <= sentence[u[1] - 1] && sentence[u[0]] <= sentence[c[1] - 1]));
    const pick = (g: number, lo: number, hi: number, used: [number, number][]): number => {
      if (g === spans.length) return cancelled(used, lo, hi) ? 0 : used.reduce((n, u) => n + u[1] - u[0], 0);
      for (const s of spans[g]) {
        if (used.some((u) => s[0] < u[1] && u[0] < s[1])) continue;
        const nlo = Math.min(lo, s[0]);
        const nhi = Math.max(hi, s[1]);
        if (nhi - nlo > CUE_WINDOW) continue;
        const covered = pick(g + 1, nlo, nhi, [...used, s]);
        if (covered > 0) return covered;
      }
      return 0;
    };
    return pick(0, Infinity, -Infinity, []);
  }

  /** The cues worth trying: those indexed under a word of the message or one of its keys, and the others of its scripts, in file order. */
  private cuesFor(forms: string[][], scripts: Set<string>): Cue[] {
    const out = new Set<Cue>();
    for (const f of forms) for (const w of f) {
      for (const c of this.cueIndex.get(w) ?? []) out.add(c);
      for (const key of keysOfWord(w)) for (const c of this.cueKeyIndex.get(key) ?? []) out.add(c);
    }
    for (const script of scripts) for (const c of this.unindexedCues.get(script) ?? []) out.add(c);
    return [...out].sort((a, b) => a.order - b.order);
  }

  /** Ordinary phrases worth trying: those whose first word occurs, and those that begin otherwise. */
  private notAlarmsFor(tokens: string[], known: Set<string>[]): Pattern[] {
    const out = new Set<Pattern>(this.notAlarmOtherStarts);
    tokens.forEach((t, i) => {
      for (const p of this.notAlarmByFirstWord.get(t) ?? []) out.add(p);
      for (const w of known[i]) for (const p of this.notAlarmByFirstWord.get(w) ?? []) out.add(p);
    });
    return this.notAlarms.filter((p) => out.has(p));
  }

  /** The phrase words a message word stands for: itself, and within one typo in alphabetic scripts. */
  private knownWordsFor(word: string): Set<string> {
    const out = new Set<string>();
    if (this.firstWords.has(word) || this.fuzzy.has(word)) out.add(word);
    // A word of the lexicon itself is not a typo of another ("turning" the pages is not "burning").
    const ownWord = this.cueWords.has(word) || this.fuzzy.get(word)?.has(word) === true;
    if (!ownWord && [...word].length >= FUZZY_MIN - 1 && FUZZY_SCRIPT.test(word)) {
      // Two words that share a deletion may be two edits apart ("starke" and "stroke" share "strke"): check.
      for (const d of [word, ...deletions(word)]) for (const w of this.fuzzy.get(d) ?? []) if (withinOneEdit(word, w)) out.add(w);
    }
    return out;
  }

  /** Signal phrases worth trying: those whose first word occurs, and those that begin otherwise. */
  private candidates(known: Set<string>[]): Pattern[] {
    const out = new Set<Pattern>(this.otherStarts);
    for (const set of known) for (const w of set) for (const p of this.byFirstWord.get(w) ?? []) out.add(p);
    return this.signals.filter((p) => out.has(p));
  }

  /** Where a pattern occurs in the words: [start, end) spans. */
  private matches(p: Pattern, tokens: string[], known: Set<string>[]): [number, number][] {
    const out: [number, number][] = [];
    const at = (ti: number, wi: number): number => {
      if (ti === p.tokens.length) return wi;
      const t = p.tokens[ti];
      if (t.kind === 'gap') {
        for (let skip = 0; skip <= MAX_GAP && wi + skip <= tokens.length; skip++) {
          const end = at(ti + 1, wi + skip);
          if (end >= 0) return end;
        }
        return -1;
      }
      if (wi >= tokens.length) return -1;
      const ok = t.kind === 'prefix' ? tokens[wi] !== '' && tokens[wi].startsWith(t.text) : tokens[wi] === t.text || known[wi].has(t.text);
      return ok ? at(ti + 1, wi + 1) : -1;
    };
    for (let start = 0; start < tokens.length; start++) {
      const end = at(0, start);
      if (end >= 0) out.push([start, end]);
    }
    return out;
  }
}

/**
 * The sentence (0, 1, …) each folded word of `text` belongs to; all 0 when the sentences' words do not add up to the
 * message's (folding across a sentence end), so a cue's cancelling words then count anywhere, as in one sentence.
 */
function sentenceOfEachWord(text: string, count: number): number[] {
  const parts = text.split(SENTENCE_END);
  if (parts.length < 2) return new Array<number>(count).fill(0);
  const out: number[] = [];
  parts.forEach((part, i) => {
    for (let n = words(fold(part)).length; n > 0; n--) out.push(i);
  });
  return out.length === count ? out : new Array<number>(count).fill(0);
}
