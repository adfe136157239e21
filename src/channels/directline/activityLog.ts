import type { Activity } from 'botbuilder';

/** A conversation of the self-hosted Direct Line channel. */
export interface ConversationRecord {
  conversationId: string;
  /** The user the conversation was started for. */
  userId: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

/** Activities after a watermark, and the watermark to ask from next time. */
export interface ActivitySet {
  activities: Partial<Activity>[];
  watermark: number;
}

/** The result of counting one post against a conversation's rate limit. */
export interface RateCount {
  allowed: boolean;
  /** Milliseconds until the current window ends. */
  retryAfterMs: number;
}

/**
 * The Direct Line channel's shared state: conversations, their activity logs (kept for the
 * retention time after the last activity), per-conversation rate counters, and a notification when
 * a conversation gets a new activity, delivered to every instance.
 */
export interface DirectLineLog {
  readonly kind: 'memory' | 'redis';
  /** Creates the conversation; false when it exists already. */
  createConversation(record: ConversationRecord): Promise<boolean>;
  getConversation(conversationId: string): Promise<ConversationRecord | undefined>;
  /**
   * Appends an activity, giving it the id `<conversationId>|<seq>` (seq = its watermark, from 1);
   * notifies the conversation's subscribers on every instance.
   */
  append(conversationId: string, activity: Partial<Activity>): Promise<{ id: string; watermark: number }>;
  /** Activities with a watermark above `after` (oldest first, at most `limit`). */
  read(conversationId: string, after: number, limit?: number): Promise<ActivitySet>;
  /**
   * Deletes every activity stored so far ("delete my data"). The conversation itself stays, and
   * numbering goes on, so watermarks clients hold stay valid and later activities still arrive.
   */
  eraseHistory(conversationId: string): Promise<void>;
  /**
   * Deletes the conversation and everything kept with it: record, activities, numbering and rate
   * counter ("delete my data" for the user's other conversations). It then no longer exists.
   */
  forget(conversationId: string): Promise<void>;
  /** Calls `listener` whenever the conversation gets an activity (on any instance). */
  subscribe(conversationId: string, listener: () => void): Promise<() => void>;
  /** Counts one post in the conversation's current window of `windowMs`. */
  countPost(conversationId: string, limit: number, windowMs: number): Promise<RateCount>;
  close(): Promise<void>;
}

/** How many activities one read returns at most (clients ask again from the new watermark). */
export const READ_LIMIT = 500;

/** An activity was appended to a conversation that does not exist (or has expired). */
export class UnknownConversationError extends Error {
  constructor(readonly conversationId: string) {
    super(`There is no conversation ${conversationId}.`);
    this.name = 'UnknownConversationError';
  }
}

export function activityId(conversationId: string, seq: number): string {
  return `${conversationId}|${String(seq).padStart(7, '0')}`;
}
