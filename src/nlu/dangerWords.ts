import { LOCALES_DIR } from '../i18n';
import { words } from './fold';
import { NLU_LANGUAGES, type NluLanguage } from './languages';
import { skeletonWordLists } from './skeleton';
import { localeFile } from './phrases';
import { WordLexicon, readWordLists, type WordLists } from './wordLexicon';

/** The kinds of danger the words point at (the safety screen's kinds, without the generic one). */
export const DANGER_KINDS = ['violence', 'threat', 'fire', 'gas', 'medical', 'overdose', 'self_harm'] as const;
export type DangerKind = (typeof DANGER_KINDS)[number];

function isDangerKind(name: string): name is DangerKind {
  return (DANGER_KINDS as readonly string[]).includes(name);
}

/**
 * The wide net under the safety screen (locales/<lng>/danger.json): words that suggest someone may
 * be in danger ("bleeding", "choked", "يضربني") however the sentence around them is built. When
 * the screen's phrases, cues and classifier raise nothing, a message with such a word is worth one
 * question ("are you or someone else in danger now?"), never a silent miss. Same entry syntax as
 * the topic words (src/nlu/wordLexicon.ts).
 */
export class DangerWords {
  private readonly lexicon: WordLexicon<DangerKind>;

  /** `languages`: the language of each list, where known (load), for `inSkeletons`. */
  constructor(
    private readonly lists: WordLists<DangerKind>[],
    private readonly languages: readonly NluLanguage[] = [],
  ) {
    this.lexicon = new WordLexicon(lists, isDangerKind);
  }

  /** One language's danger words as consonant skeletons (skeleton.ts), for that language typed in Latin letters. */
  inSkeletons(language: NluLanguage, min: number): DangerWords | undefined {
    const list = this.lists[this.languages.indexOf(language)];
    return list ? new DangerWords([skeletonWordLists(list, language, min)]) : undefined;
  }

  /** Every language's danger.json in `localesDir` (the project's own for a language it lacks); a language without one has no words. */
  static load(localesDir: string = LOCALES_DIR): DangerWords {
    const lists = NLU_LANGUAGES.map((lng) => readWordLists(localeFile(localesDir, lng, 'danger.json'), 'danger words', isDangerKind, DANGER_KINDS));
    return new DangerWords(lists, NLU_LANGUAGES);
  }

  get size(): number {
    return this.lexicon.size;
  }

  /** The danger words a folded text contains (for `npm run recognize` and tests). */
  explain(folded: string): { label: DangerKind; entry: string }[] {
    return this.lexicon.explain(folded);
  }

  /**
   * The kind the strongest danger words of a folded text point at, with their summed weight and how
   * many distinct words or phrases they are; undefined without any. `common` tells a word of everyday
   * messages (Danish "når" folds to the Arabizi "nar", fire): it counts for nothing.
   */
  strongest(folded: string, common: (word: string) => boolean = () => false): { kind: DangerKind; score: number; entries: number } | undefined {
    const weight = (w: string): number => (common(w) ? 0 : 1);
    let best: { kind: DangerKind; score: number; entries: number } | undefined;
    for (const [kind, ev] of this.lexicon.evidence(folded, weight)) if (ev.score > 0 && (!best || ev.score > best.score)) best = { kind, ...ev };
    if (!best || best.entries < 2) return best;
    // Entries that share a word ("siger farvel", "farvel til alle") are one piece of evidence: the
    // kind has two apart only if no single word, taken out, leaves it without any.
    const ws = words(folded);
    const { kind } = best;
    const apart = ws.every((_, i) => (this.lexicon.evidence(ws.map((w, k) => (k === i ? '#' : w)).join(' '), weight).get(kind)?.entries ?? 0) > 0);
    return apart ? best : { ...best, entries: 1 };
  }

  /** How many words the longest danger phrase of a kind in a folded text has (0 without any). */
  longestPhrase(folded: string, kind: DangerKind): number {
    return Math.max(0, ...this.lexicon.explain(folded).filter((e) => e.label === kind).map((e) => e.entry.trim().split(/\s+/).length));
  }

  /** The kind the strongest danger words of a folded text point at, or undefined. */
  kindOf(folded: string, common: (word: string) => boolean = () => false): DangerKind | undefined {
    return this.strongest(folded, common)?.kind;
  }
}
