import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCALES_DIR } from '../i18n';
import { loadContent } from '../paths/load';
import { fold, words } from './fold';
import { NLU_LANGUAGES, type NluLanguage } from './languages';

export const SAFETY_CATEGORIES = ['emergency.medical', 'emergency.violence', 'emergency.self_harm', 'emergency.danger'] as const;
export type SafetyCategory = (typeof SAFETY_CATEGORIES)[number];

/** The facts every safety reply names, in this order: 112 first (dialogs/municipality.yaml). */
export const SAFETY_FACTS = ['emergency_112', 'out_of_hours_doctor', 'crisis_line'] as const;

/** The reply's parts, in the order they are said. */
export const SAFETY_REPLY_PARTS = ['intro', 'call112', 'doctor', 'crisis', 'person'] as const;

/** One language's safety phrases and reply (locales/<lng>/safety.json). */
export interface SafetyLanguage {
  /**
   * Phrases that signal immediate danger, by category. Words are compared after folding (case,
   * diacritics, letter variants); a word ending in `*` matches any word it begins; `_` stands for
   * up to three words in between; a word of five letters or more in Latin or Cyrillic script also matches with one typo.
   */
  signals: Record<SafetyCategory, string[]>;
  /** Ordinary phrases that contain a signal's words ("dying of laughter"): never an alarm. */
  notAlarms?: string[];
  reply: Record<(typeof SAFETY_REPLY_PARTS)[number], string>;
}

export interface SafetyHit {
  category: SafetyCategory;
  /** The language of the phrase that raised the alarm. */
  language: NluLanguage;
}

type Token = { kind: 'word'; text: string } | { kind: 'prefix'; text: string } | { kind: 'gap' };

interface Pattern {
  tokens: Token[];
  category?: SafetyCategory;
  language: NluLanguage;
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
  return { tokens, category, language };
}

/** Every string one deletion away: two words within one edit share one of these. */
function deletions(word: string): string[] {
  const chars = [...word];
  return chars.map((_, i) => chars.slice(0, i).concat(chars.slice(i + 1)).join(''));
}

const FUZZY_MIN = 5;
/** One typo is forgiven in alphabetic scripts; in Arabic and Ethiopic script one letter too often makes another word. */
const FUZZY_SCRIPT = /^[\p{Script=Latin}\p{Script=Cyrillic}]+$/u;
const MAX_GAP = 3;
const EMPTY: Set<string> = new Set();

/**
 * The safety screen: looks for signs of immediate danger, violence, self-harm or a medical
 * emergency in every language at once, whatever language the user chose. Separate from intent
 * recognition, and runs before it. Deterministic; phrases and replies live in locales/<lng>/safety.json.
 */
export class SafetyScreen {
  private readonly signals: Pattern[] = [];
  private readonly notAlarms: Pattern[] = [];
  /** Folded signal word → itself; and each of its one-deletion variants → the words they come from. */
  private readonly fuzzy = new Map<string, Set<string>>();
  private readonly byFirstWord = new Map<string, Pattern[]>();
  private readonly firstWords = new Set<string>();
  private readonly otherStarts: Pattern[] = [];

  constructor(
    readonly languages: Record<NluLanguage, SafetyLanguage>,
    private readonly facts: Record<(typeof SAFETY_FACTS)[number], string>,
  ) {
    for (const lng of NLU_LANGUAGES) {
      const spec = languages[lng];
      for (const category of SAFETY_CATEGORIES) {
        for (const phrase of spec.signals[category] ?? []) this.signals.push(compile(phrase, lng, category));
      }
      for (const phrase of spec.notAlarms ?? []) this.notAlarms.push(compile(phrase, lng));
    }
    for (const p of this.signals) {
      const first = p.tokens[0];
      if (first?.kind === 'word') this.byFirstWord.set(first.text, [...(this.byFirstWord.get(first.text) ?? []), p]);
      else this.otherStarts.push(p);
      if (first?.kind === 'word') this.firstWords.add(first.text);
    }
    for (const p of [...this.signals, ...this.notAlarms]) {
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
  }

  private static shared: SafetyScreen | undefined;

  /** The screen of the project's own files, loaded once per process. */
  static default(): SafetyScreen {
    return (SafetyScreen.shared ??= SafetyScreen.load());
  }

  /** Reads locales/<lng>/safety.json for all ten languages and the numbers from dialogs/municipality.yaml. */
  static load(options: { localesDir?: string; dialogsDir?: string } = {}): SafetyScreen {
    const languages = {} as Record<NluLanguage, SafetyLanguage>;
    for (const lng of NLU_LANGUAGES) {
      const path = join(options.localesDir ?? LOCALES_DIR, lng, 'safety.json');
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
      languages[lng] = spec;
    }
    const content = loadContent(options.dialogsDir);
    const facts = {} as Record<(typeof SAFETY_FACTS)[number], string>;
    for (const name of SAFETY_FACTS) {
      const value = content.facts.get(name)?.value;
      if (typeof value !== 'string' && typeof value !== 'number') {
        throw new Error(`dialogs/municipality.yaml: the safety screen needs the fact "${name}" with a confirmed value`);
      }
      facts[name] = String(value);
    }
    return new SafetyScreen(languages, facts);
  }

  /** The alarm a message raises, or undefined. `preferred` (e.g. the message's or user's language) wins a tie. */
  screen(text: string, preferred: string[] = []): SafetyHit | undefined {
    const tokens = words(fold(text));
    if (tokens.length === 0) return undefined;
    const masked = tokens.map(() => false);
    const known = tokens.map((t) => this.knownWordsFor(t));
    for (const p of this.notAlarms) {
      for (const span of this.matches(p, tokens, known)) for (let i = span[0]; i < span[1]; i++) masked[i] = true;
    }
    const open = known.map((k, i) => (masked[i] ? EMPTY : k));
    const openTokens = tokens.map((t, i) => (masked[i] ? '' : t));
    // The most specific phrase wins ("ich will mich umbringen" over "will mich umbringen"); then
    // a phrase in a preferred language; then the order of the files.
    let best: { hit: SafetyHit; rank: number } | undefined;
    for (const p of this.candidates(open)) {
      if (this.matches(p, openTokens, open).length === 0) continue;
      const rank = p.tokens.length * 2 + (preferred.includes(p.language) ? 1 : 0);
      if (!best || rank > best.rank) best = { hit: { category: p.category!, language: p.language }, rank };
    }
    return best?.hit;
  }

  /** The reply in a language: 112 first, then the out-of-hours doctor, then the crisis line, then a person. */
  reply(language: string): string[] {
    const spec = this.languages[(NLU_LANGUAGES as readonly string[]).includes(language) ? (language as NluLanguage) : 'en'];
    return SAFETY_REPLY_PARTS.map((part) => spec.reply[part].replace(/\{\{(\w+)\}\}/g, (all, name: string) => (this.facts as Record<string, string>)[name] ?? all));
  }

  /** The phrase words a message word stands for: itself, and within one typo in alphabetic scripts. */
  private knownWordsFor(word: string): Set<string> {
    const out = new Set<string>();
    if (this.firstWords.has(word) || this.fuzzy.has(word)) out.add(word);
    if ([...word].length >= FUZZY_MIN - 1 && FUZZY_SCRIPT.test(word)) {
      for (const d of [word, ...deletions(word)]) for (const w of this.fuzzy.get(d) ?? []) out.add(w);
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
