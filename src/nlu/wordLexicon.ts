import { existsSync, readFileSync } from 'node:fs';
import { fold, words } from './fold';

/**
 * Words by label, per language: the domain words of each topic (locales/<lng>/topics.json: what a
 * stranger's question almost always contains even when no example sentence looks like it, "my
 * tooth hurts since the war" → health) and the danger words of each kind of emergency
 * (locales/<lng>/danger.json). Entry syntax, matched on folded text:
 * - `stem`   a word that starts with it ("doctor" → doctors);
 * - `=word`  that exact word only (short words: "=bus");
 * - `*part`  anywhere inside a word (compounds, attached prefixes: "*arzt" → Zahnarzt, "*طبيب" → للطبيب);
 * - `#a-b`   a number from a to b, in digits or as a number word ("#0-5 years" → "2 years", "two years");
 * - `a b`    consecutive words, each matched as above;
 * - `^entry` a cue: it gives its label no score, it only tells which subtopic a message of the
 *            label's topic is about (`cues`): a child's age, "money" in a question about going home.
 */
export type WordLists<L extends string> = Partial<Record<L, string[]>>;

type Mode = 'prefix' | 'exact' | 'infix' | 'number';

interface Part {
  mode: Mode;
  text: string;
  /** For a number part: the range it accepts. */
  range?: [number, number];
}

interface Entry<L extends string> {
  label: L;
  /** As written in the file. */
  source: string;
  parts: Part[];
  /** The number of words it has (a phrase says more than one of its words), shared by the topics that list it. */
  weight: number;
  /** A cue (`^entry`): no score, only `cues`. */
  cue: boolean;
  /** Which of the lists (languages) it comes from. */
  list: number;
}

/** The value of a number word ("two", "zwei"), if it is one. */
export type NumberOf = (word: string) => number | undefined;

/** How many characters index an entry (its first ones); shorter stems are matched exactly. */
const KEY = 3;

/**
 * How a word is compared when the lexicon is loose (the topic words): the letters strangers write
 * for å, æ, ø, ä, ö, ü on a keyboard without them ("faa", "boern", "zurueck") as the folded letters.
 */
export function loosen(word: string): string {
  // Not "ae": æ folds to it, and "læge" would become the "lage" of "sommerlager".
  return word.includes('a') || word.includes('e') ? word.replace(/aa/g, 'a').replace(/oe/g, 'o').replace(/ue/g, 'u') : word;
}

/** The parts of one written part: "igu-forløb" folds to two words, each its own part. */
function parts(raw: string, loose: boolean): Part[] {
  const range = /^#(\d+)-(\d+)$/.exec(raw);
  if (range) return [{ mode: 'number', text: raw, range: [Number(range[1]), Number(range[2])] }];
  const mode: Mode = raw.startsWith('=') ? 'exact' : raw.startsWith('*') ? 'infix' : 'prefix';
  const texts = words(fold(mode === 'prefix' ? raw : raw.slice(1))).map((t) => (loose ? loosen(t) : t));
  // A stem shorter than the index key would catch too much: it is matched as a whole word.
  return texts.map((text) => ({ mode: mode !== 'exact' && [...text].length < KEY ? 'exact' : mode, text }));
}

export class WordLexicon<L extends string> {
  private readonly exact = new Map<string, Entry<L>[]>();
  private readonly byKey = new Map<string, Entry<L>[]>();
  private readonly infixByKey = new Map<string, Entry<L>[]>();
  private readonly numberFirst: Entry<L>[] = [];
  private readonly hasCues: boolean;
  readonly size: number;

  /**
   * `lists`: one per language; `isLabel` keeps the labels this lexicon knows; `loose` compares words
   * as `loosen` gives them; `familyOf` groups labels (a topic and its subtopics) for the cues.
   */
  constructor(
    lists: WordLists<L>[],
    isLabel: (name: string) => name is L,
    private readonly loose = false,
    private readonly familyOf: (label: L) => string = (label) => label,
  ) {
    const entries: Entry<L>[] = [];
    const seen = new Map<string, Entry<L>[]>();
    for (const [index, list] of lists.entries()) {
      for (const [label, raws] of Object.entries(list) as [string, string[] | undefined][]) {
        if (!isLabel(label)) continue;
        for (const raw of raws ?? []) {
          const cue = raw.trim().startsWith('^');
          const entryParts = raw.trim().replace(/^\^/, '').split(/\s+/).flatMap((part) => parts(part, loose));
          if (entryParts.length === 0) continue;
          const signature = (cue ? '^' : '') + entryParts.map((p) => `${p.mode}:${p.text}`).join(' ');
          const same = seen.get(signature) ?? [];
          if (same.some((e) => e.label === label)) continue;
          const entry: Entry<L> = { label, source: raw, parts: entryParts, weight: 1, cue, list: index };
          same.push(entry);
          seen.set(signature, same);
          entries.push(entry);
        }
      }
    }
    for (const same of seen.values()) for (const e of same) e.weight = e.parts.length / same.length;
    for (const entry of entries) {
      const first = entry.parts[0];
      if (first.mode === 'number') {
        this.numberFirst.push(entry);
        continue;
      }
      const index = first.mode === 'exact' ? this.exact : first.mode === 'infix' ? this.infixByKey : this.byKey;
      const key = first.mode === 'exact' ? first.text : [...first.text].slice(0, KEY).join('');
      const list = index.get(key) ?? [];
      list.push(entry);
      index.set(key, list);
    }
    this.size = entries.length;
    this.hasCues = entries.some((e) => e.cue);
  }

  /**
   * Each label's evidence in a folded text: the summed weight of the distinct entries it contains,
   * a one-word entry scaled by `wordWeight` of the word it matched (a word common to many intents
   * says less; a phrase is specific enough as it is).
   */
  score(folded: string, wordWeight: (word: string) => number = () => 1): Map<L, number> {
    return new Map([...this.evidence(folded, wordWeight)].map(([label, ev]) => [label, ev.score]));
  }

  /** Each label's score (as `score` gives it) and how many distinct entries with a weight above nothing make it up. */
  evidence(folded: string, wordWeight: (word: string) => number = () => 1): Map<L, { score: number; entries: number }> {
    const out = new Map<L, { score: number; entries: number }>();
    for (const [e, scale] of this.found(folded, wordWeight)) {
      if (e.cue) continue;
      const ev = out.get(e.label) ?? { score: 0, entries: 0 };
      ev.score += e.weight * scale;
      if (scale > 0) ev.entries += 1;
      out.set(e.label, ev);
    }
    return out;
  }

  /** In one pass: each label's score (as `score` gives it) and how many of each label's cues (`^entry`) the text contains. */
  read(folded: string, wordWeight: (word: string) => number, numberOf: NumberOf = () => undefined): { scores: Map<L, number>; cues: Map<L, number> } {
    const scores = new Map<L, number>();
    const cues = new Map<L, number>();
    for (const [e, scale] of this.found(folded, wordWeight, this.hasCues ? numberOf : () => undefined)) {
      if (e.cue) cues.set(e.label, (cues.get(e.label) ?? 0) + 1);
      else scores.set(e.label, (scores.get(e.label) ?? 0) + e.weight * scale);
    }
    return { scores, cues };
  }

  /** The entries a folded text contains, as written, with their labels (for `npm run recognize` and tests). */
  explain(folded: string, numberOf: NumberOf = () => undefined): { label: L; entry: string }[] {
    return [...this.found(folded, () => 1, numberOf).keys()].map((e) => ({ label: e.label, entry: e.source }));
  }

  private found(folded: string, wordWeight: (word: string) => number, numberOf: NumberOf = () => undefined): Map<Entry<L>, number> {
    const found = new Map<Entry<L>, number>();
    if (this.size === 0) return found;
    const ws = this.loose ? words(folded).map(loosen) : words(folded);
    const valueOf = (w: string | undefined): number | undefined => (w === undefined ? undefined : /^\d{1,3}$/.test(w) ? Number(w) : numberOf(w));
    // The words after the first of a cue of several words are its context, no evidence of another
    // family ("arbeite" in the daycare cue "wenn ich arbeite" says nothing of work).
    const cued: { to: number; family: string }[] = [];
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i];
      // The entries of one label in one list that start at one word are one piece of evidence
      // ("uddannelse", "uddanne" and "*uddannelse" all match "uddannelse"): only the weightiest counts,
      // the others count nothing (also where the word comes again).
      const best = new Map<string, [Entry<L>, number]>();
      const inside = cued.filter((c) => c.to >= i).map((c) => c.family);
      const consider = (list: Entry<L>[] | undefined): void => {
        for (const e of list ?? []) {
          if (found.has(e) || !matchesAt(e, ws, i, valueOf)) continue;
          const scale = e.parts.length > 1 ? 1 : wordWeight(w);
          if (e.cue) {
            found.set(e, scale);
            if (e.parts.length > 1) cued.push({ to: i + e.parts.length - 1, family: this.familyOf(e.label) });
            continue;
          }
          if (inside.some((family) => family !== this.familyOf(e.label))) continue;
          const key = `${e.list} ${e.label}`;
          const held = best.get(key);
          if (held && held[0].weight * held[1] >= e.weight * scale) {
            found.set(e, 0);
            continue;
          }
          if (held) found.set(held[0], 0);
          best.set(key, [e, scale]);
        }
      };
      if (this.numberFirst.length > 0 && valueOf(w) !== undefined) consider(this.numberFirst);
      consider(this.exact.get(w));
      const chars = [...w];
      if (chars.length >= KEY) consider(this.byKey.get(chars.slice(0, KEY).join('')));
      if (this.infixByKey.size > 0) {
        for (let c = 0; c + KEY <= chars.length; c++) consider(this.infixByKey.get(chars.slice(c, c + KEY).join('')));
      }
      for (const [e, scale] of best.values()) found.set(e, scale);
    }
    return found;
  }
}

function matchesPart(p: Part, w: string | undefined, valueOf: (w: string | undefined) => number | undefined): boolean {
  if (w === undefined) return false;
  if (p.mode === 'number') {
    const v = valueOf(w);
    return v !== undefined && v >= p.range![0] && v <= p.range![1];
  }
  if (p.mode === 'exact') return w === p.text;
  if (p.mode === 'prefix') return w.startsWith(p.text);
  return w.includes(p.text);
}

function matchesAt<L extends string>(e: Entry<L>, ws: string[], i: number, valueOf: (w: string | undefined) => number | undefined): boolean {
  return e.parts.every((p, k) => matchesPart(p, ws[i + k], valueOf));
}

/**
 * One language's word file (topics.json, danger.json): no words when the file is absent; a file
 * that is there must be right (keys starting with `_` are notes).
 */
export function readWordLists<L extends string>(path: string, what: string, isLabel: (name: string) => name is L, known: readonly string[]): WordLists<L> {
  if (!existsSync(path)) return {};
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${path}: cannot read the ${what} (${(err as Error).message})`);
  }
  const out: WordLists<L> = {};
  for (const [name, list] of Object.entries(parsed)) {
    if (name.startsWith('_')) continue;
    if (!isLabel(name)) throw new Error(`${path}: "${name}" is not a label of the ${what} (known: ${known.join(', ')})`);
    if (!Array.isArray(list) || list.some((w) => typeof w !== 'string' || w.trim() === '')) throw new Error(`${path}: "${name}" must be a list of non-empty words`);
    out[name] = list as string[];
  }
  return out;
}
