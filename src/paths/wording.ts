import type { i18n } from 'i18next';
import { COMMANDS_NS, PATHS_NS } from './texts';
import type { Fact } from './types';

/**
 * The sentences of the paths in one language, with the municipality facts filled in. A fact that
 * is to be confirmed reads as the language's `common.ask_caseworker` phrase, never as a guess.
 */
export class Wording {
  private readonly factValues = new Map<string, Record<string, string>>();
  /** Texts and facts do not change while the service runs: each sentence is put together once. */
  private readonly said = new Map<string, string>();

  constructor(private readonly i18n: i18n, facts: Map<string, Fact>, locales: string[], defaultLocale: string) {
    for (const lng of locales) {
      const unknown = i18n.t(`${PATHS_NS}:common.ask_caseworker`, { lng });
      const values: Record<string, string> = {};
      for (const [name, fact] of facts) {
        const v = fact.value;
        if (v === null || fact.status === 'to_be_confirmed') values[name] = unknown;
        else if (typeof v === 'object') values[name] = v[lng] ?? v[defaultLocale] ?? Object.values(v)[0] ?? unknown;
        else values[name] = String(v);
      }
      this.factValues.set(lng, values);
    }
  }

  /** A text from paths.json. */
  path(key: string, lng: string): string {
    return this.remembered(`${PATHS_NS}\n${lng}\n${key}`, () => this.i18n.t(key, { ns: PATHS_NS, lng, ...this.factValues.get(lng) }));
  }

  /** A text from commands.json (the engine's own sentences). */
  engine(key: string, lng: string): string {
    return this.remembered(`${COMMANDS_NS}\n${lng}\n${key}`, () => this.i18n.t(key, { ns: COMMANDS_NS, lng }));
  }

  private remembered(id: string, make: () => string): string {
    let text = this.said.get(id);
    if (text === undefined) {
      text = make();
      this.said.set(id, text);
    }
    return text;
  }
}
