import { EventEmitter } from 'node:events';
import type { Activity } from 'botbuilder';
import { type ActivitySet, type ConversationRecord, type DirectLineLog, type RateCount, READ_LIMIT, UnknownConversationError, activityId } from './activityLog';

interface Entry {
  record: ConversationRecord;
  /** The activities kept, the first of them with watermark `erased + 1`. */
  activities: Partial<Activity>[];
  /** How many activities were erased before the kept ones. */
  erased: number;
  expiresAt: number;
}

/** The embedded Direct Line log: one process only, lost on restart (the default without REDIS_URL). */
export class MemoryActivityLog implements DirectLineLog {
  readonly kind = 'memory' as const;
  private readonly conversations = new Map<string, Entry>();
  private readonly rates = new Map<string, { count: number; resetAt: number }>();
  private readonly events = new EventEmitter();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: { ttlMs: number; now?: () => number }) {
    this.events.setMaxListeners(0);
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
    const watermark = entry.erased + entry.activities.length + 1;
    const id = activityId(conversationId, watermark);
    entry.activities.push(JSON.parse(JSON.stringify({ ...activity, id })) as Partial<Activity>);
    entry.expiresAt = this.now() + this.options.ttlMs;
    this.events.emit(conversationId);
    return { id, watermark };
  }

  async read(conversationId: string, after: number, limit = READ_LIMIT): Promise<ActivitySet> {
    const entry = this.live(conversationId);
    if (!entry) return { activities: [], watermark: after };
    const from = Math.max(0, after - entry.erased);
    const activities = entry.activities.slice(from, from + limit).map((a) => JSON.parse(JSON.stringify(a)) as Partial<Activity>);
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

  async subscribe(conversationId: string, listener: () => void): Promise<() => void> {
    this.events.on(conversationId, listener);
    return () => this.events.off(conversationId, listener);
  }

  async countPost(conversationId: string, limit: number, windowMs: number): Promise<RateCount> {
    const now = this.now();
    let rate = this.rates.get(conversationId);
    if (!rate || rate.resetAt <= now) {
      rate = { count: 0, resetAt: now + windowMs };
      this.rates.set(conversationId, rate);
    }
    rate.count += 1;
    return { allowed: rate.count <= limit, retryAfterMs: rate.resetAt - now };
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, entry] of this.conversations) if (entry.expiresAt <= now) this.conversations.delete(id);
    for (const [id, rate] of this.rates) if (rate.resetAt <= now) this.rates.delete(id);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.events.removeAllListeners();
  }
}
