import type { Middleware, TurnContext } from 'botbuilder';
import type { i18n } from 'i18next';
import { fold } from '../nlu/fold';
import { ReadBesideLock, type ReadWhen } from '../state/readBesideLock';
import { HANDOFF_NS, type HandoffService } from './service';
import type { HandoffRecord, HandoffStore } from './types';

type RouterWord = 'cancel' | 'position' | 'urgent';

/**
 * The conversation router: one middleware, inside the turn lock and after the safety screen, that
 * decides per message "bot or human". Queued or with a caseworker: the message goes to the
 * caseworker side and the bot does not answer, except for "back to the bot" (the bot answers at
 * the main menu) and "my place in the queue". With the bot: the button of the priority offer
 * (after a safety alarm) asks for a person; everything else goes on to the bot.
 */
export class HandoffRouter implements Middleware {
  /** Folded words and button labels → what they mean, per language. */
  private readonly words = new Map<string, Map<string, RouterWord>>();
  /**
   * The conversation's handoff record, read on every message. It lives in another Redis Cluster
   * slot than the turn lock, so the TurnSerializer sends this read beside its lock-and-read
   * (see ReadBesideLock for when that value is used and when it is read again).
   */
  readonly record: ReadBesideLock<HandoffRecord | undefined>;

  constructor(
    private readonly deps: {
      store: HandoffStore;
      service: HandoffService;
      i18n: i18n;
      locales: string[];
      localeOf(context: TurnContext): Promise<string>;
      /** Counts the record's reads: sent beside the turn lock and used, read by the lock-and-read itself, or read after it. */
      onRecordRead?(when: ReadWhen): void;
      /** The record on the state store's own Redis (one Redis, not a Cluster): read by the turn's lock-and-read. */
      recordInLock?: { redisKey(conversationId: string): string; decode(raw: string | undefined): HandoffRecord | undefined };
    },
  ) {
    this.record = new ReadBesideLock((context) => routedConversation(context), (id) => deps.store.get(id), deps.onRecordRead, deps.recordInLock);
    const { i18n } = deps;
    for (const lng of deps.locales) {
      const table = new Map<string, RouterWord>();
      const add = (word: unknown, meaning: RouterWord) => {
        const key = typeof word === 'string' ? fold(word) : '';
        if (key && !table.has(key)) table.set(key, meaning);
      };
      const list = (key: string, ns: string) => {
        const value = i18n.t(key, { ns, lng, returnObjects: true, fallbackLng: false });
        return Array.isArray(value) ? (value as unknown[]) : [];
      };
      add(i18n.t('labels.cancel', { ns: HANDOFF_NS, lng }), 'cancel');
      add(i18n.t('labels.position', { ns: HANDOFF_NS, lng }), 'position');
      add(i18n.t('labels.urgent', { ns: HANDOFF_NS, lng }), 'urgent');
      for (const w of list('words.cancel', HANDOFF_NS)) add(w, 'cancel');
      for (const w of list('words.menu', 'commands')) add(w, 'cancel');
      for (const w of list('words.position', HANDOFF_NS)) add(w, 'position');
      this.words.set(lng, table);
    }
  }

  /** What a whole message means to the router: the user's language first, then any language. */
  private meaning(text: string, lng: string): RouterWord | undefined {
    const key = fold(text);
    if (!key) return undefined;
    for (const l of [lng, ...this.deps.locales.filter((x) => x !== lng)]) {
      const hit = this.words.get(l)?.get(key);
      if (hit) return hit;
    }
    return undefined;
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const activity = context.activity;
    const conversationId = routedConversation(context);
    if (conversationId === undefined) return next();
    const record = await this.record.get(context, conversationId);
    const text = typeof activity.text === 'string' ? activity.text : '';
    const withPerson = record !== undefined && (record.state === 'queued' || record.state === 'assigned');
    if (!withPerson) {
      if (text && this.meaning(text, await this.deps.localeOf(context)) === 'urgent') {
        await this.deps.service.request(context, { topic: 'other', reason: 'safety', trigger: 'safety', priority: 'urgent' });
        return;
      }
      return next();
    }
    const meaning = text ? this.meaning(text, await this.deps.localeOf(context)) : undefined;
    if (meaning === 'cancel') {
      if (await this.deps.service.cancel(context, record)) {
        // The bot takes over at once, at the main menu (a menu word in the user's language).
        activity.text = menuWord(this.deps.i18n, await this.deps.localeOf(context));
        return next();
      }
    }
    if (meaning === 'position') return this.deps.service.tellPosition(context, record);
    await this.deps.service.relay(context, record);
  }
}

/** The conversation whose handoff record the router reads for this turn: messages only. */
function routedConversation(context: TurnContext): string | undefined {
  const activity = context.activity;
  return activity.type === 'message' && activity.conversation?.id ? activity.conversation.id : undefined;
}

/** A word the bot reads as "main menu" in `lng` (locales/<lng>/commands.json). */
export function menuWord(i18n: i18n, lng: string): string {
  const words = i18n.t('words.menu', { ns: 'commands', lng, returnObjects: true });
  return Array.isArray(words) && typeof words[0] === 'string' ? words[0] : 'menu';
}
