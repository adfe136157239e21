import type { Activity } from 'botbuilder';
import type { EventBus } from '../../events';

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

/** A user's post: appended (with its id and watermark), or refused by the conversation's rate limit. */
export type PostResult = { appended: true; id: string; watermark: number } | { appended: false; retryAfterMs: number };

/** How many posts a conversation may have in one window. */
export interface PostRate {
  limit: number;
  windowMs: number;
}

/**
 * What every instance is told when a conversation gets an activity: its watermark and the activity
 * as stored (JSON text, with its id), serialised once when it was appended, so a WebSocket sends it
 * on without reading the log and without serialising it again.
 */
export interface LoggedActivity {
  watermark: number;
  json: string;
}

/** The event-bus channel a conversation's new activities are announced on. */
export function notifyChannel(conversationId: string): string {
  return `dl:${conversationId}`;
}

/** A message from the bus as a LoggedActivity, or undefined when it is not one. */
export function asLoggedActivity(message: unknown): LoggedActivity | undefined {
  const m = message as Partial<LoggedActivity> | null;
  return m && typeof m === 'object' && Number.isSafeInteger(m.watermark) && typeof m.json === 'string' ? (m as LoggedActivity) : undefined;
}

/**
 * The stored text of an activity: its id first, then `tail` (storedTail() of its other fields).
 * Both logs store exactly this (the Redis log's script puts it together the same way), and it is
 * what LoggedActivity carries.
 */
export function storedJson(id: string, tail: string): string {
  return `{"id":${JSON.stringify(id)}${tail}`;
}

/** What follows the id in the stored text, from the activity's fields serialised without an id. */
export function storedTail(rest: string): string {
  return rest === '{}' ? '}' : `,${rest.slice(1)}`;
}

/** An activity serialised without its id (what storedTail() takes). */
export function withoutId(activity: Partial<Activity>): string {
  const rest: Partial<Activity> = { ...activity };
  delete rest.id;
  return JSON.stringify(rest);
}

/**
 * The Direct Line channel's shared state: conversations, their activity logs (kept for the
 * retention time after the last activity), per-conversation rate counters, and a notification when
 * a conversation gets a new activity, delivered to every instance through the event bus
 * (src/events) on `notifyChannel(conversationId)`, carrying the stored activity.
 */
export interface DirectLineLog {
  readonly kind: 'memory' | 'redis';
  /** Creates the conversation; false when it exists already. */
  createConversation(record: ConversationRecord): Promise<boolean>;
  getConversation(conversationId: string): Promise<ConversationRecord | undefined>;
  /**
   * Appends an activity, giving it the id `<conversationId>|<seq>` (seq = its watermark, from 1);
   * notifies the conversation's subscribers on every instance. Throws UnknownConversationError
   * when the conversation does not exist (no read needed first).
   */
  append(conversationId: string, activity: Partial<Activity>): Promise<{ id: string; watermark: number }>;
  /**
   * A user's post in one step: the conversation must exist (UnknownConversationError), the post is
   * counted in the conversation's current window (refused posts count too), and appended as
   * append() does when the count is within the limit.
   */
  appendPost(conversationId: string, activity: Partial<Activity>, rate: PostRate): Promise<PostResult>;
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
  /** Calls `listener` with each activity the conversation gets (on any instance). Resolves once subscribed. */
  subscribe(conversationId: string, listener: (logged: LoggedActivity) => void): Promise<() => void>;
  /** Closes the log's own connections (not the event bus, which belongs to whoever passed it). */
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

/** Subscribes `listener` to a conversation's notifications on `bus`, ignoring anything that is not one. */
export function subscribeLogged(bus: EventBus, conversationId: string, listener: (logged: LoggedActivity) => void): Promise<() => void> {
  return bus.subscribe(notifyChannel(conversationId), (message) => {
    const logged = asLoggedActivity(message);
    if (logged) listener(logged);
  });
}
