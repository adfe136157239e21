import type { i18n } from 'i18next';
import { fold } from '../nlu/fold';

/**
 * The global commands that work anywhere in a conversation. Their intent names in the recogniser
 * (src/nlu/) are `cmd.<name>`.
 */
export const COMMANDS = ['menu', 'back', 'help', 'language', 'human', 'delete_data', 'stop'] as const;
export type Command = (typeof COMMANDS)[number];

/** A yes or no answer; recogniser intents `answer.yes` and `answer.no`. */
export type Answer = 'yes' | 'no';

/**
 * The one place that decides whether a message is a command or a yes/no. Today it compares the
 * whole message with the words in locales/<lng>/commands.json; the recogniser (src/nlu/, intents
 * `cmd.<command>`, `answer.yes`, `answer.no`) can take its place behind the same two methods, which
 * are asynchronous for that reason. The engine asks for a command only after the message did not
 * answer the step's own choices, so a button text always wins over a command word.
 */
export interface CommandDetector {
  /** The command the text is, in the user's language first, then in any enabled language. */
  detectCommand(text: string, locale: string): Promise<Command | undefined>;
  /** Whether the text is a yes or a no, in the user's language first, then in any enabled language. */
  detectAnswer(text: string, locale: string): Promise<Answer | undefined>;
  /**
   * The path a free-text message asks about (`work`, `school`, `leisure`, `return_home`; intents
   * `topic.<path>`), if the detector can tell. Without it, only a path's own title is recognised.
   */
  detectTopic?(text: string, locale: string): Promise<string | undefined>;
  /** The subtopic (`work.igu`) a message asks about; a path node of that id answers it. */
  detectSubtopic?(text: string, locale: string): Promise<string | undefined>;
  /** The one number in a message, also written as a word ("two", "to", "zwei"). */
  detectNumber?(text: string, locale: string): Promise<number | undefined>;
}

/** The word-list detector, built once from every enabled language's commands.json. */
export class CommandWords implements CommandDetector {
  private readonly words = new Map<string, Map<string, Command | Answer>>();

  constructor(i18n: i18n, private readonly locales: string[]) {
    for (const lng of locales) {
      const table = new Map<string, Command | Answer>();
      for (const name of [...COMMANDS, 'yes', 'no'] as const) {
        const list = i18n.t(`commands:words.${name}`, { lng, returnObjects: true, fallbackLng: false });
        if (!Array.isArray(list)) continue;
        for (const word of list as string[]) {
          const key = fold(word);
          if (key && !table.has(key)) table.set(key, name);
        }
      }
      this.words.set(lng, table);
    }
  }

  private find(text: string, locale: string): Command | Answer | undefined {
    const key = fold(text);
    if (!key) return undefined;
    const order = [locale, ...this.locales.filter((l) => l !== locale)];
    for (const lng of order) {
      const hit = this.words.get(lng)?.get(key);
      if (hit) return hit;
    }
    return undefined;
  }

  async detectCommand(text: string, locale: string): Promise<Command | undefined> {
    const hit = this.find(text, locale);
    return hit === 'yes' || hit === 'no' ? undefined : hit;
  }

  async detectAnswer(text: string, locale: string): Promise<Answer | undefined> {
    const hit = this.find(text, locale);
    return hit === 'yes' || hit === 'no' ? hit : undefined;
  }
}
