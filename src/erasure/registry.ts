import type { Storage } from 'botbuilder';

/** Whose data to erase: a user on a channel, asked from one of their conversations. */
export interface ErasureSubject {
  channelId: string;
  userId: string;
  /** The conversation the user asked in. */
  conversationId: string;
}

export interface ErasureRequest extends ErasureSubject {
  /** Every conversation of the user on this channel the service knows of, the asking one included. */
  conversationIds: string[];
}

/** Erases what one part of the service keeps about the user (each part registers its own). */
export type ErasureHook = (request: ErasureRequest) => Promise<void>;

/**
 * "Delete my data": one list of erasure hooks, built in the composition root, that every part
 * which keeps something about a user adds to (bot state, the Direct Line log, later transcripts
 * and handoff records). Every hook runs even when another fails; the erasure fails if any did, so
 * the user is not told "deleted" when something stayed.
 */
export class ErasureRegistry {
  private readonly hooks: { name: string; hook: ErasureHook }[] = [];

  register(name: string, hook: ErasureHook): void {
    this.hooks.push({ name, hook });
  }

  /** The names of the registered hooks (for tests and the log). */
  names(): string[] {
    return this.hooks.map((h) => h.name);
  }

  /** Runs every hook for the user; `known` are the user's other conversations on the channel (see UserConversations). */
  async eraseUser(subject: ErasureSubject, known: string[]): Promise<void> {
    const request: ErasureRequest = { ...subject, conversationIds: [...new Set([subject.conversationId, ...known])] };
    const results = await Promise.allSettled(this.hooks.map((h) => h.hook(request)));
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ name: this.hooks[i].name, reason: r.reason as unknown }] : []));
    if (failed.length > 0) throw new AggregateError(failed.map((f) => f.reason), `erasure failed in ${failed.map((f) => f.name).join(', ')}`);
  }
}

/**
 * The bot state of the user's other conversations on the channel (the asking conversation's and
 * the user's own state, the index with it, are deleted by the turn itself, through botbuilder's BotState). One key per
 * DEL: the conversations live in different Redis Cluster slots.
 */
export function eraseOtherConversationsState(store: Storage): ErasureHook {
  return async ({ channelId, conversationId, conversationIds }) => {
    const others = conversationIds.filter((id) => id !== conversationId);
    await Promise.all(others.map((id) => store.delete([`${channelId}/conversations/${id}/`])));
  };
}
