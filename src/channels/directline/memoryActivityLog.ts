import type { Activity } from 'botbuilder';
import type { EventBus } from '../../events';
import {
  type ActivitySet,
  type ConversationRecord,
  type DirectLineLog,
  type LoggedActivity,
  type PostRate,
  type PostResult,
  READ_LIMIT,
  UnknownConversationError,
  activityId,
  notifyChannel,
  storedJson,
  storedTail,
  subscribeLogged,
  withoutId,
} from './activityLog';

interface Entry {
  record: ConversationRecord;
  /** The activities kept (their stored text), the first of them with watermark `erased + 1`. */
  activities: string[];
  /** How many activities were erased before the kept ones. */
  erased: number;
  expiresAt: number;
}

/** The embedded Direct Line log: one process only, lost on restart (the default without REDIS_URL). */
export class MemoryActivityLog implements DirectLineLog {
  readonly kind = 'memory' as const;
  private readonly conversations = new Map<string, Entry>();
  private readonly rates = new Map<string, { count: number; resetAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: { ttlMs: number; bus: EventBus; now?: () => number }) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private live(conversationId: string): Entry | undefined {
    const entry = this.conversations.get(conversationId);
    if (entry && entry.expiresAt <= this.now()) {
      this.conversations.delete(conversationId);
      return undefined;
    }
    return entry;
  }

  async createConversation(record: ConversationRecord): Promise<boolean> {
    if (this.live(record.conversationId)) return false;
    this.conversations.set(record.conversationId, { record: { ...record }, activities: [], erased: 0, expiresAt: this.now() + this.options.ttlMs });
    return true;
  }

  async getConversation(conversationId: string): Promise<ConversationRecord | undefined> {
    const entry = this.live(conversationId);
    return entry ? { ...entry.record } : undefined;
  }

  async append(conversationId: string, activity: Partial<Activity>): Promise<{ id: string; watermark: number }> {
    const entry = this.live(conversationId);
    if (!entry) throw new UnknownConversationError(conversationId);
    return this.store(conversationId, entry, activity);
  }

  async appendPost(conversationId: string, activity: Partial<Activity>, rate: PostRate): Promise<PostResult> {
    const entry = this.live(conversationId);
    if (!entry) throw new UnknownConversationError(conversationId);
    const now = this.now();
    let counter = this.rates.get(conversationId);
    if (!counter || counter.resetAt <= now) {
      counter = { count: 0, resetAt: now + rate.windowMs };
      this.rates.set(conversationId, counter);
    }
    counter.count += 1;
    if (counter.count > Math.max(1, rate.limit)) return { appended: false, retryAfterMs: counter.resetAt - now };
    return { appended: true, ...this.store(conversationId, entry, activity) };
  }

  private store(conversationId: string, entry: Entry, activity: Partial<Activity>): { id: string; watermark: number } {
    const watermark = entry.erased + entry.activities.length + 1;
    const id = activityId(conversationId, watermark);
    const json = storedJson(id, storedTail(withoutId(activity)));
    entry.activities.push(json);
    entry.expiresAt = this.now() + this.options.ttlMs;
    const logged: LoggedActivity = { watermark, json };
    this.options.bus.publish(notifyChannel(conversationId), logged).catch(() => undefined);
    return { id, watermark };
  }

  async read(conversationId: string, after: number, limit = READ_LIMIT): Promise<ActivitySet> {
    const entry = this.live(conversationId);
    if (!entry) return { activities: [], watermark: after };
    const from = Math.max(0, after - entry.erased);
    const activities = entry.activities.slice(from, from + limit).map((json) => JSON.parse(json) as Partial<Activity>);
    return { activities, watermark: activities.length > 0 ? entry.erased + from + activities.length : Math.max(0, after) };
  }

  async eraseHistory(conversationId: string): Promise<void> {
    const entry = this.live(conversationId);
    if (!entry) return;
    entry.erased += entry.activities.length;
    entry.activities = [];
  }

  async forget(conversationId: string): Promise<void> {
    this.conversations.delete(conversationId);
    this.rates.delete(conversationId);
  }

  subscribe(conversationId: string, listener: (logged: LoggedActivity) => void): Promise<() => void> {
    return subscribeLogged(this.options.bus, conversationId, listener);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, entry] of this.conversations) if (entry.expiresAt <= now) this.conversations.delete(id);
    for (const [id, rate] of this.rates) if (rate.resetAt <= now) this.rates.delete(id);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }
}
