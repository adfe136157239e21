import type { Intent } from './intents';
import type { LanguageGuess } from './languageId';

/** What a user's message means. */
export interface Recognition {
  intent: Intent;
  /** 0…1, how sure the recogniser is. */
  score: number;
  /** A numeric answer ("2", "٢", "two") or the one number in a message. */
  entities?: { number?: number };
  /**
   * The best topic when `intent` is a command or an answer ("I need a doctor who speaks Arabic"
   * reads close to "Arabic" the language): what the message is about if it is not taken as that.
   */
  topic?: { intent: Intent; score: number };
  /** The language the message is written in, with a confidence (ask when it is low). */
  language?: LanguageGuess;
}

/** The port every understanding implementation offers (embedded, Azure CLU). */
export interface Recognizer {
  /** `locale` is the user's current language; the message may be in another one. Never rejects. */
  recognize(text: string, locale: string): Promise<Recognition>;
}
