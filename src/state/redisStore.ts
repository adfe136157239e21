import type { StoreItem, StoreItems } from 'botbuilder';
import Redis from 'ioredis';
import {
  type AcquireResult,
  type ConversationStore,
  type TurnLock,
  EtagConflictError,
  LockLostError,
  changeList,
  decodeItem,
  encodeItem,
  expectedEtag,
  keyList,
  newEtag,
} from './conversationStore';
import { ownerTag } from './stateKeys';
import type { Logger } from '../log';

/**
 * Takes a conversation's turn lock (or finds it held) and reads the turn's keys, restarting their
 * retention time. KEYS[1] lock, KEYS[2..] data. ARGV: token, lock ttl ms, data ttl ms.
 * Returns {1, value-or-nil...} or {0, remaining lock ms}.
 */
const LOCK_AND_READ = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then
  return {0, redis.call('PTTL', KEYS[1])}
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local out = {1}
for i = 2, #KEYS do
  local v = redis.call('GET', KEYS[i])
  if v then redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
  out[i] = v or false
end
return out`;

/**
 * Compare-and-set for a batch of keys, all or nothing, optionally releasing a turn lock.
 * KEYS[1..n] data, then KEYS[n+1] the lock when ARGV[1] (token) is not empty.
 * ARGV: token, data ttl ms, then per data key: expected eTag ('' = any), encoded value ('' = delete).
 * Returns 'ok', 'lost' (lock not ours, nothing written) or the 1-based index of a conflicting key.
 */
const WRITE_BATCH = `
local token = ARGV[1]
local n = #KEYS
if token ~= '' then
  n = n - 1
  if redis.call('GET', KEYS[#KEYS]) ~= token then return 'lost' end
end
for i = 1, n do
  local expected = ARGV[1 + i * 2]
  if expected ~= '' then
    local cur = redis.call('GET', KEYS[i])
    if cur and string.sub(cur, 1, string.len(expected) + 1) ~= expected .. '\\n' then return i end
  end
end
for i = 1, n do
  local value = ARGV[2 + i * 2]
  if value == '' then redis.call('DEL', KEYS[i]) else redis.call('SET', KEYS[i], value, 'PX', ARGV[2]) end
end
if token ~= '' then redis.call('DEL', KEYS[#KEYS]) end
return 'ok'`;

interface ScriptedRedis {
  tibLockAndRead(numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  tibWriteBatch(numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

export interface RedisStoreOptions {
  /** Prefix of every key this service writes, e.g. `tib:`. */
  prefix: string;
  /** Retention: how long an item lives after its last turn or write. */
  ttlMs: number;
  /** Called with each round trip's duration (metrics). */
  onRoundTrip?: (op: string, seconds: number) => void;
}

/**
 * Bot state in Redis. Keys are `<prefix>{<owner>}<rest>` where the owner is the conversation or
 * user the key belongs to (see `ownerTag`), so one conversation's keys and its lock share a Redis
 * Cluster slot. Values are `<eTag>\n<json>`. A turn costs two commands, one round trip each: a
 * script that takes the lock and reads, and a script that writes and releases. Both touch the
 * conversation's and the user's keys together, which a standalone Redis (or a managed
 * single-shard one) allows; on a multi-shard Redis Cluster the user's key lives in another slot.
 */
export class RedisStore implements ConversationStore {
  readonly kind = 'redis' as const;
  private readonly client: Redis & ScriptedRedis;

  constructor(client: Redis, private readonly options: RedisStoreOptions) {
    client.defineCommand('tibLockAndRead', { lua: LOCK_AND_READ });
    client.defineCommand('tibWriteBatch', { lua: WRITE_BATCH });
    this.client = client as Redis & ScriptedRedis;
  }

  /** The Redis key of a storage key. */
  redisKey(key: string): string {
    const tag = ownerTag(key);
    return `${this.options.prefix}{${tag}}${key.slice(tag.length)}`;
  }

  private lockKey(tag: string): string {
    return `${this.options.prefix}{${tag}}#lock`;
  }

  /** One MGET. (A read of keys of several owners would need one MGET per slot on a Redis Cluster; botbuilder reads one key at a time.) */
  async read(keys: string[]): Promise<StoreItems> {
    const wanted = [...new Set(keyList(keys))];
    if (wanted.length === 0) return {};
    const values = await this.timed('read', () => this.client.mget(...wanted.map((k) => this.redisKey(k))));
    const items: StoreItems = {};
    wanted.forEach((key, i) => {
      const stored = values[i];
      if (stored !== null) items[key] = decodeItem(key, stored);
    });
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const entries = changeList(changes);
    if (entries.length === 0) return;
    await this.writeBatch(entries, undefined);
  }

  async delete(keys: string[]): Promise<void> {
    const wanted = keyList(keys);
    if (wanted.length === 0) return;
    await this.timed('delete', () => this.client.del(...wanted.map((k) => this.redisKey(k))));
  }

  async acquireAndRead(lock: TurnLock, keys: string[]): Promise<AcquireResult> {
    const reply = (await this.timed('acquire', () =>
      this.client.tibLockAndRead(1 + keys.length, this.lockKey(lock.tag), ...keys.map((k) => this.redisKey(k)), lock.token, lock.ttlMs, this.options.ttlMs),
    )) as (string | number | null)[];
    if (reply[0] === 0) return { acquired: false, retryInMs: Math.max(1, Number(reply[1])) };
    const items: StoreItems = {};
    keys.forEach((key, i) => {
      const stored = reply[i + 1];
      if (typeof stored === 'string') items[key] = decodeItem(key, stored);
    });
    return { acquired: true, items };
  }

  async writeAndRelease(lock: TurnLock, changes: Record<string, StoreItem | null>): Promise<void> {
    await this.writeBatch(Object.entries(changes), lock);
  }

  /** One script, all or nothing: every eTag is checked (and the lock, when given) before anything is written. */
  private async writeBatch(changes: [string, StoreItem | null][], lock: TurnLock | undefined): Promise<void> {
    const args: (string | number)[] = changes.map(([key]) => this.redisKey(key));
    if (lock) args.push(this.lockKey(lock.tag));
    args.push(lock ? lock.token : '', this.options.ttlMs);
    for (const [, item] of changes) args.push(expectedEtag(item) ?? '', item === null ? '' : encodeItem(item, newEtag()));
    const reply = await this.timed(lock ? 'commit' : 'write', () => this.client.tibWriteBatch(changes.length + (lock ? 1 : 0), ...args));
    if (reply === 'lost') throw new LockLostError(lock!.tag);
    if (typeof reply === 'number') throw new EtagConflictError(changes[reply - 1][0]);
  }

  async ping(): Promise<number> {
    const started = process.hrtime.bigint();
    await this.client.ping();
    return Number(process.hrtime.bigint() - started) / 1e6;
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private async timed<T>(op: string, work: () => Promise<T>): Promise<T> {
    if (!this.options.onRoundTrip) return work();
    const started = process.hrtime.bigint();
    try {
      return await work();
    } finally {
      this.options.onRoundTrip(op, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }
}

/** An ioredis client for the store, from a redis:// URL. Fails fast instead of queueing forever when Redis is down. */
export function createRedisClient(url: string, log: Logger): Redis {
  const client = new Redis(url, {
    enableAutoPipelining: true,
    maxRetriesPerRequest: 2,
    connectTimeout: 5000,
  });
  // Reported once per outage, not once per reconnect attempt.
  let down = false;
  client.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log.error({ err: { message: err.message } }, 'Redis unreachable; retrying in the background');
  });
  client.on('ready', () => {
    if (down) log.info('Redis reachable again');
    down = false;
  });
  return client;
}
