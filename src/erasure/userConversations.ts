import type { BotState, Middleware, StatePropertyAccessor, TurnContext } from 'botbuilder';

/**
 * Which conversations a user had on a channel, so that "delete my data" can reach all of them:
 * a property of the user's own state, `conversations: { <id>: last seen, ms }`. The user's state
 * is read and written with the turn anyway (and kept for the retention time after their last
 * turn), so the index costs no round trip; it changes once a day at most per conversation.
 */
export class UserConversations {
  private readonly property: StatePropertyAccessor<Record<string, number>>;

  constructor(userState: BotState, private readonly options: { ttlMs: number; refreshEveryMs?: number; maxPerUser?: number; now?: () => number }) {
    this.property = userState.createProperty<Record<string, number>>('conversations');
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Notes the turn's conversation in its user's index (when it is not there since less than a day). */
  async remember(context: TurnContext): Promise<void> {
    const conversationId = context.activity.conversation?.id;
    if (!conversationId || !context.activity.from?.id) return;
    const now = this.now();
    // No default object: reading must not create state.
    const known = (await this.property.get(context)) ?? {};
    if ((known[conversationId] ?? -Infinity) > now - (this.options.refreshEveryMs ?? 86_400_000)) return;
    const kept = Object.entries({ ...known, [conversationId]: now })
      .filter(([, at]) => at > now - this.options.ttlMs)
      .sort((a, b) => b[1] - a[1])
      .slice(0, this.options.maxPerUser ?? 500);
    await this.property.set(context, Object.fromEntries(kept));
  }

  /** The user's known conversations on the turn's channel (within the retention time). */
  async list(context: TurnContext): Promise<string[]> {
    const now = this.now();
    return Object.entries((await this.property.get(context)) ?? {})
      .filter(([, at]) => at > now - this.options.ttlMs)
      .map(([id]) => id);
  }
}

/** Middleware: notes each turn's conversation in its user's index before the bot runs (saved with the turn's state). */
export function rememberConversations(index: UserConversations): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>) {
      await index.remember(context);
      await next();
    },
  };
}
