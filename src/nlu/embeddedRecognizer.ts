import { fold, SENTENCE_END, words } from './fold';
import { INTENTS, isIntent, topicOf, type Intent } from './intents';
import { LanguageIdentifier, loadLanguageSamples } from './languageId';
import { NLU_LANGUAGES } from './languages';
import { NgramClassifier, type Ranked } from './ngramClassifier';
import { NumberReader, YEARS } from './numbers';
import { allPhrases, loadPhraseBank, type PhraseBank } from './phrases';
import type { Recognition, Recognizer } from './recognizer';
import { isSkeletonLanguage, inLatinLetters, SKELETON_LANGUAGES, skeleton, type SkeletonLanguage } from './skeleton';
import { WordLexicon } from './wordLexicon';

/** Below this score the best intent is not trusted and the answer is `none`. */
export const MIN_INTENT_SCORE = 0.2;
/** How close a request must come to `none` to win over a greeting in the same message. */
const CONTENT_OVER_NONE = 0.7;
/**
 * How far a better skeleton score pulls an intent's score up (withSkeletons): half way. All the way, the
 * skeletons' chance meetings (no vowels) outvoted the Latin-letter phrases and topic words that were right.
 */
const SKELETON_PULL = 0.5;

/**
 * How much the topic words (topics.json) add to a topic's score: each word of the topic or of
 * one of its subtopics adds `weight` to all of them, up to `cap` words; an intent's own words
 * add `own` more.
 */
export interface LexiconFusion {
  weight: number;
  cap: number;
  own: number;
  /** What a topic word adds more when it stands in the question sentence of a longer message. */
  question: number;
}
export const DEFAULT_FUSION: LexiconFusion = { weight: 0.2, cap: 1.5, own: 0.05, question: 0.2 };
/** How close a subtopic must come to the best score to take its place on its own words or cues. */
const SUBTOPIC_MARGIN = 0.3;
/** A child's age that is a cue for daycare (up to the first number) or for getting into school (up to the last). */
const DAYCARE_AGES = [0, 5];
const SCHOOL_AGES = [6, 14];
/** Words before a number of years, or after them, that make it a time span rather than an age (folded). */
const DURATION_BEFORE = new Set(['i', 'for', 'in', 'seit', 'since', 'over', 'efter', 'after', 'vor', 'om', 'nach', 'about', 'last', 'sidste', 'letzten', 'через', 'за', 'уже', 'вже', 'منذ', 'من', 'بعد', 'قبل', 'از', 'muddo']);
const DURATION_AFTER = new Set(['ago', 'siden', 'her', 'here', 'hier', 'i', 'in', 'назад', 'тому']);
/** How many cues of a subtopic take the place of a reading no word of the text supports. */
const CUES_ALONE = 2;
/** How close two readings count as a tie that the user's own language settles. */
const OWN_LANGUAGE_TIE = 0.001;
/** How close a command must come to the best score to win in a message of one word ("menu", "back"). */
const ONE_WORD_COMMAND_MARGIN = 0.15;
/** The score a person request in the question or last clause of a longer message must reach there. */
const HUMAN_IN_CLAUSE = 0.7;
/**
 * Or the score it must reach in the question sentence when it leads the next reading there by `HUMAN_LEAD`: a
 * little is enough, since the sentences before it often make a complaint or a topic read almost as well
 * ("I wrote twice and nobody answered. Please put me through to my caseworker").
 */
const HUMAN_FAIR = 0.5;
const HUMAN_LEAD = 0.05;
/** Among how many of the whole message's best intents a person request must be for its last clause to be read. */
const HUMAN_RANK = 5;

/**
 * The default recogniser: no network, trained at start-up from the example phrases in
 * locales/<lng>/nlu.json (all ten languages in one model, so mixed and switched languages work).
 */
export class EmbeddedRecognizer implements Recognizer {
  readonly bank: PhraseBank;
  private readonly classifier: NgramClassifier;
  readonly languages: LanguageIdentifier;
  readonly numbers: NumberReader;
  readonly topicWords: WordLexicon<Intent>;
  /** Number words of every language (folded), for the topic words' number parts ("#0-5 years"). */
  private readonly numberWords = new Map<string, number>();
  /** Each language's example phrases (language + folded text → intent), for a tie that the user's language settles. */
  private readonly ownPhrases = new Map<string, Intent>();
  /** Each language's own number words (language + folded word): never read as a phrase instead (Pashto "درې" is three, not Dari). */
  private readonly ownNumberWords = new Set<string>();
  /** The phrases of each language of another script as consonant skeletons (skeleton.ts), for that language typed in Latin letters. */
  private readonly skeletons = new Map<SkeletonLanguage, NgramClassifier>();

  constructor(
    bank: PhraseBank = loadPhraseBank(),
    languageSamples: { text: string; language: (typeof NLU_LANGUAGES)[number] }[] = loadLanguageSamples(),
    readonly fusion: LexiconFusion = DEFAULT_FUSION,
  ) {
    this.bank = bank;
    this.topicWords = new WordLexicon(NLU_LANGUAGES.map((language) => bank[language].topics ?? {}), isIntent, true, topicOf);
    const phrases = allPhrases(bank);
    this.classifier = new NgramClassifier(phrases.map((p) => ({ text: p.text, label: p.intent })));
    const samples = NLU_LANGUAGES.flatMap((language) => (bank[language].languageSamples ?? []).map((text) => ({ text, language })));
    this.languages = new LanguageIdentifier([...phrases, ...samples, ...languageSamples]);
    this.numbers = new NumberReader(bank);
    for (const lng of SKELETON_LANGUAGES) {
      this.skeletons.set(lng, new NgramClassifier(phrases.filter((p) => p.language === lng).map((p) => ({ text: skeleton(fold(p.text), lng), label: p.intent }))));
    }
    for (const p of phrases) {
      const key = phraseKey(p.language, p.text);
      if (!this.ownPhrases.has(key)) this.ownPhrases.set(key, p.intent);
    }
    for (const language of NLU_LANGUAGES) {
      for (const [value, list] of Object.entries(bank[language].numbers)) {
        for (const w of list) {
          this.ownNumberWords.add(phraseKey(language, w));
          if (!fold(w).includes(' ') && !this.numberWords.has(fold(w))) this.numberWords.set(fold(w), Number(value));
        }
      }
    }
  }

  recognize(text: string, locale: string): Promise<Recognition> {
    return Promise.resolve(this.recognizeNow(text, locale));
  }

  /** The same, synchronously (scripts, benchmarks). */
  recognizeNow(text: string, locale: string): Recognition {
    const language = this.languages.identify(text);
    const number = this.numbers.read(text);
    const withLanguage = (r: Recognition): Recognition => (language ? { ...r, language } : r);
    // A number word of another language that is a phrase of the user's own ("ni" is Danish nine, Ukrainian no) is that
    // phrase; a number word of the user's own language stays a number.
    const own = phraseKey(locale.split('-')[0].toLowerCase(), text);
    const ownPhrase = !/\d/.test(text) && this.ownPhrases.has(own) && !this.ownNumberWords.has(own);
    if (number?.alone && !ownPhrase) return withLanguage({ intent: 'none', score: 1, entities: { number: number.value } });
    const ranked = this.withSkeletons(this.rank(text), text, locale);
    const top = this.inOwnLanguage(text, [locale, language?.code], ranked, this.preferContent(ranked));
    const entities = number && !ownPhrase ? { entities: { number: number.value } } : {};
    if (!top || top.label === 'none' || top.score < MIN_INTENT_SCORE) {
      const noneScore = ranked.find((r) => r.label === 'none')?.score ?? 0;
      return withLanguage({ intent: 'none', score: round(Math.max(noneScore, 1 - (top?.label === 'none' ? 0 : top?.score ?? 0))), ...entities });
    }
    const topic = top.label.startsWith('topic.') ? undefined : ranked.find((r) => r.label.startsWith('topic.'));
    const alternative = topic && topic.score >= MIN_INTENT_SCORE ? { topic: { intent: topic.label as Intent, score: round(topic.score) } } : {};
    return withLanguage({ intent: top.label as Intent, score: round(top.score), ...entities, ...alternative });
  }

  /**
   * The user's language has another script and the message is in Latin letters ("baddi sajjel ibni bel
   * madrase"): its skeleton is compared with the skeletons of that language's phrases, and an intent whose
   * skeleton score is higher is pulled up towards it (SKELETON_PULL).
   */
  private withSkeletons(ranked: Ranked[], text: string, locale: string): Ranked[] {
    const language = locale.split('-')[0].toLowerCase();
    const folded = fold(text);
    if (!isSkeletonLanguage(language) || !inLatinLetters(folded)) return ranked;
    const sk = this.skeletons.get(language)!.rank(skeleton(folded, language));
    const best = new Map(ranked.map((r) => [r.label, r.score]));
    for (const r of sk) {
      const was = best.get(r.label) ?? 0;
      if (r.score > was) best.set(r.label, was + SKELETON_PULL * (r.score - was));
    }
    return [...best].map(([label, score]) => ({ label, score })).sort((a, b) => b.score - a.score);
  }

  /**
   * One text can be a phrase of two languages with two meanings (Arabic "تمام" is "OK", Farsi
   * "تمام" is "finished"): both match exactly and tie. The user's language, else the language the
   * text is in, settles the tie; it never overrules a clearly better reading.
   */
  private inOwnLanguage(text: string, languages: (string | undefined)[], ranked: Ranked[], top: Ranked | undefined): Ranked | undefined {
    if (!top) return top;
    for (const language of languages) {
      const intent = language ? this.ownPhrases.get(phraseKey(language.split('-')[0].toLowerCase(), text)) : undefined;
      if (intent === undefined) continue;
      const own = ranked.find((r) => r.label === intent);
      return own && own.score >= top.score - OWN_LANGUAGE_TIE ? own : top;
    }
    return top;
  }

  /**
   * A greeting or thanks around a request ("hi, I need a job") matches the `none` examples as
   * well as the request: when something other than `none` comes close, the request wins.
   */
  private preferContent(ranked: Ranked[]): Ranked | undefined {
    const top = ranked[0];
    if (top?.label !== 'none') return top;
    const content = ranked.find((r) => r.label !== 'none');
    return content && content.score >= Math.max(MIN_INTENT_SCORE, CONTENT_OVER_NONE * top.score) ? content : top;
  }

  /**
   * Every intent with its score, best first: the example sentences' similarity, raised for the
   * topics whose domain words the text contains (a stranger's wording rarely looks like an
   * example, but it names the doctor, the rent or the bus), then the subtopic the words single
   * out, and a command that a one-word message names.
   */
  rank(text: string): Ranked[] {
    const question = questionSentence(text);
    const ranked = this.rankBySentences(text, question);
    const wordWeight = (w: string): number => this.classifier.wordWeight(w);
    const folded = fold(text);
    const { scores: evidence, cues } = this.topicWords.read(folded, wordWeight, (w) => this.numberWords.get(w));
    const age = this.age(words(folded));
    const ageCue = age === undefined ? undefined : age <= DAYCARE_AGES[1] ? 'topic.school.daycare' : age <= SCHOOL_AGES[1] ? 'topic.school.enrol' : undefined;
    if (ageCue) cues.set(ageCue, (cues.get(ageCue) ?? 0) + 1);
    const asked = question === undefined ? new Map<Intent, number>() : this.topicWords.score(fold(question), wordWeight);
    const fused = evidence.size === 0 ? ranked : this.fuse(ranked, evidence, asked);
    return oneWordCommand(text, preferSubtopic(fused, evidence, cues, question === undefined ? undefined : asked));
  }

  /** The age a message gives in any language ("my son is 9 years old", "بنتي عمرها ١٤", "2 jir"): a number beside a word for years. */
  private age(ws: string[]): number | undefined {
    const valueOf = (w: string | undefined): number | undefined => (w === undefined ? undefined : /^\d{1,2}$/.test(w) ? Number(w) : this.numberWords.get(w));
    for (let i = 0; i < ws.length; i++) {
      if (!YEARS.has(ws[i]) || DURATION_AFTER.has(ws[i + 1] ?? '')) continue;
      for (const j of [i - 1, i + 1, i - 2]) {
        const v = valueOf(ws[j]);
        // "for 2 years", "i 2 år", "seit 2 Jahren" is how long, not how old.
        if (v !== undefined && !DURATION_BEFORE.has(ws[j - 1] ?? '')) return v;
      }
    }
    return undefined;
  }

  /**
   * A topic's words count for the topic and every subtopic of it (the example sentences tell the
   * subtopics apart); a subtopic's own words add a little more, and words of the question sentence
   * more again.
   */
  private fuse(ranked: Ranked[], evidence: Map<Intent, number>, asked: Map<Intent, number>): Ranked[] {
    const { weight, cap, own, question } = this.fusion;
    const byFamily = (ev: Map<Intent, number>): Map<string, number> => {
      const family = new Map<string, number>();
      for (const [intent, s] of ev) family.set(topicOf(intent), (family.get(topicOf(intent)) ?? 0) + s);
      return family;
    };
    const family = byFamily(evidence);
    const askedFamily = byFamily(asked);
    return ranked
      .map((r) => {
        const f = family.get(topicOf(r.label));
        if (!f || !r.label.startsWith('topic.')) return r;
        const b = weight * Math.min(f, cap) + own * (evidence.get(r.label as Intent) ?? 0) + question * Math.min(askedFamily.get(topicOf(r.label)) ?? 0, cap);
        return { label: r.label, score: Math.min(1, r.score + b) };
      })
      .sort((a, b) => b.score - a.score);
  }

  /**
   * The example sentences' similarity. A message of several sentences ("We came a month
   * ago with our children. Where can I learn Danish?") is also read by its question: the sentence
   * that ends in a question mark, else the last one. The context around it dilutes the whole
   * text's match, so each topic keeps the better of the two scores.
   */
  private rankBySentences(text: string, question: string | undefined): Ranked[] {
    const whole = this.classifier.rank(text);
    const clause = lastClause(text);
    if (question === undefined && clause === undefined) return whole.filter((r) => (INTENTS as readonly string[]).includes(r.label));
    const best = new Map(whole.map((r) => [r.label, r.score]));
    const asked = question === undefined ? [] : this.classifier.rank(question);
    // Topics only: a question alone ("What do I do?") is no command, and its context says what it is about.
    for (const r of asked) if (r.label.startsWith('topic.') && r.score > (best.get(r.label) ?? 0)) best.set(r.label, r.score);
    // But a request for a person is one wherever it is asked ("…, can I talk to someone?"); the last
    // clause is read only when the whole message already leans that way.
    const leans = whole.slice(0, HUMAN_RANK).some((r) => r.label === 'cmd.human');
    const last = clause !== undefined && clause !== question && leans ? this.classifier.rank(clause) : [];
    for (const read of [asked, last]) {
      const [top, next] = read;
      // Clear enough: a high score, or in the question sentence a fair one well ahead of the next
      // reading ("I do not get this letter. Can someone from the office call me?"); a last clause
      // needs the high score ("…, who do we call" is mostly about its topic).
      const lead = read === asked && top?.score >= HUMAN_FAIR && top.score - (next?.score ?? 0) >= HUMAN_LEAD;
      if (top?.label === 'cmd.human' && (top.score >= HUMAN_IN_CLAUSE || lead)) best.set(top.label, Math.max(1, ...best.values()));
    }
    return whole
      .map((r, order) => ({ label: r.label, score: best.get(r.label) ?? r.score, order }))
      .sort((a, b) => b.score - a.score || a.order - b.order)
      .filter((r) => (INTENTS as readonly string[]).includes(r.label))
      .map(({ label, score }) => ({ label, score }));
  }
}

/** A subtopic: `topic.<topic>.<sub>`. */
function isSubtopic(label: string): boolean {
  return label.startsWith('topic.') && label.split('.').length === 3;
}

/**
 * The subtopic the topic words single out ("modtagelsesklasse" is about getting a child into
 * school, not school in general): a subtopic wins over the best topic of its family when the text
 * holds more of its own words than of the best one's, or one of its cues (a child's age, "money"
 * in a question about going home) while the best one, a subtopic too, has neither; and when its
 * score comes close to the best. A subtopic of another topic takes the place of a topic (never of
 * a subtopic) so only when its own topic's words are there too ("Danish lessons" in a question
 * that speaks of school are the language school), and on a cue any best reading that no word of
 * the text supports ("she is two, where can she go during the day"). Never when the question sentence
 * of a longer message (`focus`) names the best one but not it.
 */
export function preferSubtopic(ranked: Ranked[], evidence: Map<Intent, number>, cues: Map<Intent, number>, focus?: Map<Intent, number>): Ranked[] {
  // The best topic: first, or right after `none`, which a request close to it wins over (preferContent).
  const at = ranked[0]?.label === 'none' ? 1 : 0;
  const top = ranked[at];
  if (!top?.label.startsWith('topic.') || (evidence.size === 0 && cues.size === 0)) return ranked;
  const own = (label: string): number => evidence.get(label as Intent) ?? 0;
  const family = (label: string): number => [...evidence].reduce((sum, [l, s]) => sum + (topicOf(l) === topicOf(label) ? s : 0), 0);
  const topSingled = isSubtopic(top.label) && (own(top.label) > 0 || cues.has(top.label as Intent));
  const cuesOf = (label: string): number => cues.get(label as Intent) ?? 0;
  const pick = ranked.find((r) => {
    if (r === top || !isSubtopic(r.label)) return false;
    const cued = cues.has(r.label as Intent) && !topSingled;
    if (!(own(r.label) > own(top.label) || cued)) return false;
    // The question names the best one and not this one ("I finished language school. What job can I get?").
    if (focus && (focus.get(top.label as Intent) ?? 0) > 0 && !focus.has(r.label as Intent)) return false;
    if (r.score < top.score - SUBTOPIC_MARGIN) return false;
    if (topicOf(r.label) === topicOf(top.label)) return true;
    // Another topic's subtopic: over a topic when its own topic's words are there, with two cues over anything the text has no word of.
    return (!isSubtopic(top.label) && (own(r.label) > 0 || family(r.label) > 0)) || (cued && cuesOf(r.label) >= CUES_ALONE && family(top.label) === 0);
  });
  if (!pick) return ranked;
  const rest = ranked.filter((r) => r !== pick);
  return [...rest.slice(0, at), { label: pick.label, score: Math.max(pick.score, top.score) }, ...rest.slice(at)];
}

/** A message of one word that names a command ("menu", "back", "stop") is that command when it comes close to the best topic. */
function oneWordCommand(text: string, ranked: Ranked[]): Ranked[] {
  const top = ranked[0];
  if (!top?.label.startsWith('topic.') || words(fold(text)).length !== 1) return ranked;
  const command = ranked.find((r) => r.label.startsWith('cmd.'));
  if (!command || command.score < MIN_INTENT_SCORE || command.score < top.score - ONE_WORD_COMMAND_MARGIN) return ranked;
  return [{ label: command.label, score: Math.max(command.score, top.score) }, ...ranked.filter((r) => r !== command)];
}

/** The last clause of a message of one sentence with commas ("I have a letter I do not understand, can I talk to someone"), if it has four words or more. */
export function lastClause(text: string): string | undefined {
  const parts = text.trim().split(/[,;،؛]\s*/u).map((s) => s.trim()).filter((s) => /\p{L}/u.test(s));
  if (parts.length < 2) return undefined;
  const last = parts.at(-1)!;
  return last.split(/\s+/).length >= 3 ? last : undefined;
}

const QUESTION_MIN_WORDS = 4;

/**
 * The sentence a message of several asks: of its sentences of four words or more, the last that
 * ends in a question mark, else the last; undefined for a message of one sentence.
 */
export function questionSentence(text: string): string | undefined {
  const sentences = text.trim().split(SENTENCE_END).map((s) => s.trim()).filter((s) => /\p{L}/u.test(s));
  if (sentences.length < 2) return undefined;
  // A short question alone ("Hvad gør jeg?") says too little: its context is what it is about.
  const long = sentences.filter((s) => s.split(/\s+/).length >= QUESTION_MIN_WORDS);
  return long.filter((s) => /[?؟፧]$/u.test(s)).at(-1) ?? long.at(-1);
}

function phraseKey(language: string, text: string): string {
  return `${language}\u0001${fold(text)}`;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
