import type { Activity } from 'botbuilder';
import { type RedisClient, duplicateClient } from '../../infra/redis';
import { type ActivitySet, type ConversationRecord, type DirectLineLog, type RateCount, READ_LIMIT, UnknownConversationError } from './activityLog';

/**
 * Appends one activity atomically: numbers it, stores it, restarts the retention time and tells
 * every instance. KEYS: seq, log, conversation. ARGV: activity JSON without id, conversation id,
 * ttl ms, notification channel. Returns the watermark, or 0 when the conversation does not exist.
 */
const APPEND = `
if redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
local n = redis.call('INCR', KEYS[1])
local id = ARGV[2] .. '|' .. string.format('%07d', n)
redis.call('ZADD', KEYS[2], n, '{"id":"' .. id .. '",' .. string.sub(ARGV[1], 2))
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
redis.call('PUBLISH', ARGV[4], n)
return n`;

/** Counts a post in a fixed window. KEYS: counter. ARGV: window ms. Returns {count, ms left}. */
const COUNT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

interface ScriptedRedis {
  tibDlAppend(numKeys: number, ...args: (string | number)[]): Promise<number>;
  tibDlCount(numKeys: number, ...args: (string | number)[]): Promise<[number, number]>;
}

/**
 * The Direct Line log in Redis, so any instance serves any conversation. Keys are
 * `<prefix>dl:{<conversationId>}:<part>` (one hash slot per conversation); new activities are
 * announced on the channel `<prefix>dl:{<conversationId>}:new`. Works on a Redis Cluster as on one
 * Redis: every script touches one conversation's keys (one slot), and the notification is classic
 * pub/sub, which a Cluster delivers to subscribers on any node.
 */
export class RedisActivityLog implements DirectLineLog {
  readonly kind = 'redis' as const;
  private readonly client: RedisClient & ScriptedRedis;
  private subscriber: RedisClient | undefined;
  private readonly listeners = new Map<string, Set<() => void>>();

  constructor(client: RedisClient, private readonly options: { prefix: string; ttlMs: number }) {
    client.defineCommand('tibDlAppend', { lua: APPEND });
    client.defineCommand('tibDlCount', { lua: COUNT });
    this.client = client as RedisClient & ScriptedRedis;
  }

  private key(conversationId: string, part: string): string {
    return `${this.options.prefix}dl:{${conversationId}}:${part}`;
  }

  async createConversation(record: ConversationRecord): Promise<boolean> {
    const set = await this.client.set(this.key(record.conversationId, 'conv'), JSON.stringify(record), 'PX', this.options.ttlMs, 'NX');
    return set === 'OK';
  }

  async getConversation(conversationId: string): Promise<ConversationRecord | undefined> {
    const raw = await this.client.get(this.key(conversationId, 'conv'));
    return raw ? (JSON.parse(raw) as ConversationRecord) : undefined;
  }

  async append(conversationId: string, activity: Partial<Activity>): Promise<{ id: string; watermark: number }> {
    const rest: Partial<Activity> = { ...activity };
    delete rest.id;
    const json = JSON.stringify(rest);
    const body = json === '{}' ? '{"type":"message"}' : json;
    const watermark = Number(
      await this.client.tibDlAppend(
        3,
        this.key(conversationId, 'seq'),
        this.key(conversationId, 'log'),
        this.key(conversationId, 'conv'),
        body,
        conversationId,
        this.options.ttlMs,
        this.key(conversationId, 'new'),
      ),
    );
    if (watermark === 0) throw new UnknownConversationError(conversationId);
    return { id: `${conversationId}|${String(watermark).padStart(7, '0')}`, watermark };
  }

  async read(conversationId: string, after: number, limit = READ_LIMIT): Promise<ActivitySet> {
    const raw = await this.client.zrangebyscore(this.key(conversationId, 'log'), `(${Math.max(0, after)}`, '+inf', 'WITHSCORES', 'LIMIT', 0, limit);
    const activities: Partial<Activity>[] = [];
    let watermark = Math.max(0, after);
    for (let i = 0; i < raw.length; i += 2) {
      activities.push(JSON.parse(raw[i]) as Partial<Activity>);
      watermark = Number(raw[i + 1]);
    }
    return { activities, watermark };
  }

  async eraseHistory(conversationId: string): Promise<void> {
    await this.client.del(this.key(conversationId, 'log'));
  }

  /** One DEL: the conversation's keys share its hash slot. */
  async forget(conversationId: string): Promise<void> {
    await this.client.del(...['conv', 'seq', 'log', 'rate'].map((part) => this.key(conversationId, part)));
  }

  async subscribe(conversationId: string, listener: () => void): Promise<() => void> {
    const channel = this.key(conversationId, 'new');
    if (!this.subscriber) {
      this.subscriber = duplicateClient(this.client);
      this.subscriber.on('error', () => undefined); // the main client reports outages
      this.subscriber.on('message', (ch: string) => {
        for (const l of this.listeners.get(ch) ?? []) l();
      });
    }
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await this.subscriber.subscribe(channel);
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(channel);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) {
        this.listeners.delete(channel);
        this.subscriber?.unsubscribe(channel).catch(() => undefined);
      }
    };
  }

  async countPost(conversationId: string, limit: number, windowMs: number): Promise<RateCount> {
    const [count, ttl] = await this.client.tibDlCount(1, this.key(conversationId, 'rate'), windowMs);
    return { allowed: Number(count) <= limit, retryAfterMs: Math.max(0, Number(ttl)) };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    if (this.subscriber) await this.subscriber.quit().catch(() => this.subscriber?.disconnect());
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
