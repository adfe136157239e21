import type { Recognition, Recognizer } from '../nlu';
import { topicOf } from '../nlu';
import type { Answer, Command, CommandDetector } from './commands';
import { COMMANDS } from './commands';

/** How sure the recogniser must be before free text counts as a command, an answer or a topic. */
export interface UnderstandingThresholds {
  command: number;
  /** Asking for a person costs little if wrong ("ich brauche einen Menschen" in a menu): a lower bar. */
  human: number;
  answer: number;
  topic: number;
}

const DEFAULT_THRESHOLDS: UnderstandingThresholds = { command: 0.6, human: 0.45, answer: 0.6, topic: 0.3 };

/**
 * A command is a short message or an explicit request: in a longer message ("we finished school
 * in Syria. What can I do now?") a word meaning "stop" or "menu" is part of what is said, so only
 * asking for a person counts there.
 */
const COMMAND_MAX_WORDS = 6;
const LONG_MESSAGE_COMMANDS: readonly Command[] = ['human'];

export function isLongMessage(text: string): boolean {
  const words = text.trim().split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  const sentences = text.split(/[.!?؟।።]+/u).filter((s) => /\p{L}/u.test(s)).length;
  return words > COMMAND_MAX_WORDS || sentences > 1;
}

/**
 * Commands, yes/no and topics from free text: the exact command words first (a word list never
 * guesses), then the recogniser (src/nlu/) for everything else ("I want to talk to someone",
 * "hvordan får jeg et job"). One recognition per text and language serves every question a turn
 * asks about it.
 */
export class Understanding implements CommandDetector {
  private readonly recent = new Map<string, Promise<Recognition>>();

  constructor(
    private readonly words: CommandDetector,
    private readonly recognizer: Recognizer,
    private readonly thresholds: UnderstandingThresholds = DEFAULT_THRESHOLDS,
  ) {}

  async detectCommand(text: string, locale: string): Promise<Command | undefined> {
    const exact = await this.words.detectCommand(text, locale);
    if (exact) return exact;
    const { intent, score } = await this.recognise(text, locale);
    if (!intent.startsWith('cmd.') || score < (intent === 'cmd.human' ? this.thresholds.human : this.thresholds.command)) return undefined;
    const command = intent.slice(4) as Command;
    if (!COMMANDS.includes(command)) return undefined;
    return isLongMessage(text) && !LONG_MESSAGE_COMMANDS.includes(command) ? undefined : command;
  }

  async detectAnswer(text: string, locale: string): Promise<Answer | undefined> {
    const exact = await this.words.detectAnswer(text, locale);
    if (exact) return exact;
    const { intent, score } = await this.recognise(text, locale);
    if (score < this.thresholds.answer) return undefined;
    return intent === 'answer.yes' ? 'yes' : intent === 'answer.no' ? 'no' : undefined;
  }

  async detectTopic(text: string, locale: string): Promise<string | undefined> {
    const { intent, score } = await this.topicOf(text, locale);
    if (score < this.thresholds.topic || !intent.startsWith('topic.')) return undefined;
    return topicOf(intent).slice('topic.'.length);
  }

  /** The subtopic a message asks about (`work.igu` for "what is IGU"), when the recogniser knows one. */
  async detectSubtopic(text: string, locale: string): Promise<string | undefined> {
    const { intent, score } = await this.topicOf(text, locale);
    if (score < this.thresholds.topic || !intent.startsWith('topic.') || topicOf(intent) === intent) return undefined;
    return intent.slice('topic.'.length);
  }

  /**
   * The topic a message is about. The bot asks this only once the message was not taken as a
   * command or an answer (those are asked first): in a long message, which is no command (see
   * isLongMessage), a best reading of a command or an answer ("I need a doctor who speaks Arabic"
   * reads close to the language command) gives way to the best topic. A short one ("back pls")
   * and `none` never become a topic.
   */
  private async topicOf(text: string, locale: string): Promise<{ intent: string; score: number }> {
    const recognition = await this.recognise(text, locale);
    const standIn = recognition.topic && isLongMessage(text) && (recognition.intent.startsWith('cmd.') || recognition.intent.startsWith('answer.'));
    return standIn && recognition.topic ? recognition.topic : recognition;
  }

  /** The one number a message gives ("she is two years old" → 2), in words or digits of any script. */
  async detectNumber(text: string, locale: string): Promise<number | undefined> {
    return (await this.recognise(text, locale)).entities?.number;
  }

  private recognise(text: string, locale: string): Promise<Recognition> {
    const key = `${locale}\n${text}`;
    let recognition = this.recent.get(key);
    if (!recognition) {
      recognition = this.recognizer.recognize(text, locale);
      if (this.recent.size >= 256) this.recent.delete(this.recent.keys().next().value as string);
      this.recent.set(key, recognition);
    }
    return recognition;
  }
}
