import type { Activity, Middleware, TurnContext } from 'botbuilder';
import type { TranscriptEntry, TranscriptStore } from './transcript';
import { waitWithCommit } from '../state/turnSerializer';

const PENDING = Symbol('transcript.pending');
const ERASED = Symbol('transcript.erased');

/**
 * Middleware that writes every message of a turn to the transcript: the user's message and every
 * message the bot (or a caseworker, on a proactive turn) sends, with time, language and node. One
 * write at the end of the turn; `flush()` writes earlier (the router does, before it tells the
 * caseworkers that a message is waiting).
 */
export class TranscriptRecorder implements Middleware {
  constructor(
    private readonly store: TranscriptStore,
    private readonly deps: {
      localeOf(context: TurnContext): Promise<string>;
      onError?(err: unknown): void;
      /**
       * The end-of-turn write goes out without waiting and the turn waits for it with its commit
       * (one round trip less; see waitWithCommit). Only where the transcript is written on the same
       * connection as the turn's state (one Redis, one client): there Redis applies it before the
       * commit releases the turn lock, so transcripts stay in order.
       */
      withCommit?: boolean;
    },
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const conversationId = context.activity.conversation?.id;
    if (!conversationId) return next();
    const pending: TranscriptEntry[] = [];
    context.turnState.set(PENDING, pending);
    const incoming = context.activity;
    if (incoming.type === 'message' && typeof incoming.text === 'string' && incoming.text !== '') {
      let locale: string | undefined;
      try {
        locale = await this.deps.localeOf(context);
      } catch {
        // state unreadable: the entry has no language
      }
      pending.push({ at: Date.now(), from: 'user', text: incoming.text, locale, id: incoming.id });
    }
    context.onSendActivities(async (_ctx, activities, sendNext) => {
      const responses = await sendNext();
      if (context.turnState.get(ERASED)) return responses;
      for (const activity of activities) {
        const entry = entryOf(activity);
        if (entry) (context.turnState.get(PENDING) as TranscriptEntry[] | undefined)?.push(entry);
      }
      return responses;
    });
    try {
      await next();
    } finally {
      const written = this.flush(context);
      if (!(this.deps.withCommit && waitWithCommit(context, written))) await written;
    }
  }

  /** Writes what the turn has recorded so far (never rejects: a failure goes to onError). */
  async flush(context: TurnContext): Promise<void> {
    const pending = context.turnState.get(PENDING) as TranscriptEntry[] | undefined;
    const conversationId = context.activity.conversation?.id;
    if (!pending || pending.length === 0 || !conversationId) return;
    const entries = pending.splice(0);
    try {
      await this.store.append(conversationId, entries);
    } catch (err) {
      this.deps.onError?.(err);
    }
  }

  /** "Delete my data": forgets everything stored, and records nothing more in this turn (not even the confirmation). */
  async erase(context: TurnContext): Promise<void> {
    context.turnState.set(ERASED, true);
    (context.turnState.get(PENDING) as TranscriptEntry[] | undefined)?.splice(0);
    const conversationId = context.activity.conversation?.id;
    if (conversationId) await this.store.erase(conversationId);
  }
}

/** A sent message as a transcript entry (events, typing and empty messages are not kept). */
function entryOf(activity: Partial<Activity>): TranscriptEntry | undefined {
  if (activity.type !== 'message') return undefined;
  const channelData = (activity.channelData ?? {}) as { node?: string; caseworker?: string };
  const cards = (activity.attachments ?? []).map((a) => (a.content as { text?: string } | undefined)?.text).filter((t): t is string => typeof t === 'string');
  const choices = (activity.suggestedActions?.actions ?? []).map((a) => a.title).filter(Boolean);
  const text = [activity.text ?? '', ...cards, ...(choices.length ? [`[${choices.join(' | ')}]`] : [])].filter((t) => t !== '').join('\n');
  if (!text) return undefined;
  const from = channelData.caseworker ? 'caseworker' : 'bot';
  return { at: Date.now(), from, text, locale: activity.locale, node: channelData.node, ...(channelData.caseworker ? { author: channelData.caseworker } : {}) };
}
