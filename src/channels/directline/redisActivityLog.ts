import type { Activity } from 'botbuilder';
import type { RedisClient } from '../../infra/redis';
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

/**
 * Appends one activity atomically, for a user's post after counting it: checks that the
 * conversation exists, counts the post in its rate window (when ARGV[4] > 0), numbers the
 * activity, stores it and restarts the retention time. One script, one round trip.
 * KEYS: conversation, seq, log, rate. ARGV: what follows the id in the stored text (storedTail),
 * conversation id, ttl ms, rate limit (0: not counted), rate window ms.
 * Returns {watermark}, {0} when the conversation does not exist, {-1, ms left} when over the limit.
 */
const APPEND = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
local limit = tonumber(ARGV[4])
if limit > 0 then
  local count = redis.call('INCR', KEYS[4])
  if count == 1 then redis.call('PEXPIRE', KEYS[4], ARGV[5]) end
  if count > limit then return {-1, redis.call('PTTL', KEYS[4])} end
end
local n = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[3], n, '{"id":"' .. ARGV[2] .. '|' .. string.format('%07d', n) .. '"' .. ARGV[1])
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
return {n}`;

interface ScriptedRedis {
  tibDlAppend(numKeys: number, ...args: (string | number)[]): Promise<[number, number?]>;
}

/**
 * The Direct Line log in Redis, so any instance serves any conversation. Keys are
 * `<prefix>dl:{<conversationId>}:<part>` (one hash slot per conversation), so every script touches
 * one slot and works on a Redis Cluster as on one Redis. New activities are announced on the
 * event bus (which works on both too).
 */
export class RedisActivityLog implements DirectLineLog {
  readonly kind = 'redis' as const;
  private readonly client: RedisClient & ScriptedRedis;

  constructor(client: RedisClient, private readonly options: { prefix: string; ttlMs: number; bus: EventBus }) {
    client.defineCommand('tibDlAppend', { lua: APPEND });
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
    const { tail, result } = await this.run(conversationId, activity, undefined);
    if (result[0] === 0) throw new UnknownConversationError(conversationId);
    return this.announce(conversationId, result[0], tail);
  }

  async appendPost(conversationId: string, activity: Partial<Activity>, rate: PostRate): Promise<PostResult> {
    const { tail, result } = await this.run(conversationId, activity, rate);
    const [watermark, ttl] = result;
    if (watermark === 0) throw new UnknownConversationError(conversationId);
    if (watermark < 0) return { appended: false, retryAfterMs: Math.max(0, Number(ttl)) };
    return { appended: true, ...this.announce(conversationId, watermark, tail) };
  }

  /** Runs the append script (a rate limit given: counting the post first). */
  private async run(conversationId: string, activity: Partial<Activity>, rate: PostRate | undefined): Promise<{ tail: string; result: [number, number?] }> {
    const tail = storedTail(withoutId(activity));
    const result = await this.client.tibDlAppend(
      4,
      this.key(conversationId, 'conv'),
      this.key(conversationId, 'seq'),
      this.key(conversationId, 'log'),
      this.key(conversationId, 'rate'),
      tail,
      conversationId,
      this.options.ttlMs,
      rate ? Math.max(1, rate.limit) : 0,
      rate?.windowMs ?? 0,
    );
    return { tail, result };
  }

  /** Tells every instance about the stored activity (the text the script stored). */
  private announce(conversationId: string, watermark: number, tail: string): { id: string; watermark: number } {
    const id = activityId(conversationId, watermark);
    const logged: LoggedActivity = { watermark, json: storedJson(id, tail) };
    // Not awaited: the activity is stored; a lost notification is noticed at the next one (a gap in the watermarks).
    this.options.bus.publish(notifyChannel(conversationId), logged).catch(() => undefined);
    return { id, watermark };
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

  subscribe(conversationId: string, listener: (logged: LoggedActivity) => void): Promise<() => void> {
    return subscribeLogged(this.options.bus, conversationId, listener);
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
