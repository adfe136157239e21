import { existsSync, readFileSync } from 'node:fs';
import { LOCALES_DIR } from '../i18n';
import { NLU_LANGUAGES } from './languages';
import { localeFile } from './phrases';
import { WordLexicon, type WordLists } from './wordLexicon';

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

  constructor(lists: WordLists<DangerKind>[]) {
    this.lexicon = new WordLexicon(lists, isDangerKind);
  }

  /** Every language's danger.json in `localesDir` (the project's own for a language it lacks); a language without one has no words. */
  static load(localesDir: string = LOCALES_DIR): DangerWords {
    const lists: WordLists<DangerKind>[] = [];
    for (const lng of NLU_LANGUAGES) {
      const path = localeFile(localesDir, lng, 'danger.json');
      if (!existsSync(path)) continue;
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      } catch (err) {
        throw new Error(`${path}: cannot read the danger words (${(err as Error).message})`);
      }
      const list: WordLists<DangerKind> = {};
      for (const [name, words] of Object.entries(parsed)) {
        if (name.startsWith('_')) continue; // notes
        if (!isDangerKind(name)) throw new Error(`${path}: "${name}" is not a kind of danger (known: ${DANGER_KINDS.join(', ')})`);
        if (!Array.isArray(words) || words.some((w) => typeof w !== 'string' || w.trim() === '')) throw new Error(`${path}: "${name}" must be a list of non-empty words`);
        list[name] = words as string[];
      }
      lists.push(list);
    }
    return new DangerWords(lists);
  }

  get size(): number {
    return this.lexicon.size;
  }

  /** The danger words a folded text contains (for `npm run recognize` and tests). */
  explain(folded: string): { label: DangerKind; entry: string }[] {
    return this.lexicon.explain(folded);
  }

  /**
   * The kind the strongest danger word of a folded text points at, or undefined. `common` tells a
   * word of everyday messages (Danish "når" folds to the Arabizi "nar", fire): it counts for nothing.
   */
  kindOf(folded: string, common: (word: string) => boolean = () => false): DangerKind | undefined {
    let best: [DangerKind, number] | undefined;
    for (const [kind, score] of this.lexicon.score(folded, (w) => (common(w) ? 0 : 1))) if (score > 0 && (!best || score > best[1])) best = [kind, score];
    return best?.[0];
  }
}
