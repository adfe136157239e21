import type { StoreItem, StoreItems } from 'botbuilder';
import {
  type AcquireResult,
  type ConversationStore,
  type ReplaceResult,
  type TurnLock,
  type TurnRecord,
  EtagConflictError,
  LockLostError,
  MAX_RECORDED_TURNS,
  RELEASE_REMEMBERED_MS,
  changeList,
  decodeItem,
  encodeItem,
  expectedEtag,
  keyList,
  newEtag,
} from './conversationStore';
import { ownerTag } from './stateKeys';
import type { RedisClient } from '../infra/redis';

export { createRedisClient } from '../infra/redis';

/** A lock's value after its release (no token has this form). */
const RELEASED = '-';

/** Redis' clock in ms, inside a script (scripts are replicated by effects, so TIME is allowed). */
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * Takes a conversation's turn lock (or finds it held), checks the turn is not a retry of one
 * already done, and reads the turn's keys, restarting their retention time.
 * KEYS[1] lock, KEYS[2] done turns (zset id → expiry), KEYS[3] their answers (hash), KEYS[4..] data
 * (on a Cluster the conversation's only; on one Redis the user's too), then ARGV[5] keys read as
 * they are (another store's, e.g. the handoff record: no retention restarted).
 * ARGV: token, lock ttl ms, data ttl ms, activity id ('' = none), number of keys read as they are.
 * Returns {1, value-or-false...} (taken; {3, ...} when it was released less than
 * RELEASE_REMEMBERED_MS ago: its value is then '-'), {0, remaining lock ms} or
 * {2, recorded answer or false}.
 */
const LOCK_AND_READ = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] and holder ~= '${RELEASED}' then
  return {0, redis.call('PTTL', KEYS[1])}
end
if ARGV[4] ~= '' then
  local expires = redis.call('ZSCORE', KEYS[2], ARGV[4])
  if expires then
    ${NOW}
    if tonumber(expires) > now then return {2, redis.call('HGET', KEYS[3], ARGV[4]) or false} end
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local out = {1}
if holder == '${RELEASED}' then out[1] = 3 end
local touched = #KEYS - tonumber(ARGV[5] or '0')
for i = 4, #KEYS do
  local v = redis.call('GET', KEYS[i])
  if v and i <= touched then redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
  out[i - 2] = v or false
end
return out`;

/** Reads keys of one slot and restarts their retention time. KEYS data. ARGV: ttl ms. */
const READ_TOUCH = `
local out = {}
for i = 1, #KEYS do
  local v = redis.call('GET', KEYS[i])
  if v then redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
  out[i] = v or false
end
return out`;

/**
 * Compare-and-set for a batch of keys of one slot, all or nothing.
 * KEYS data. ARGV: data ttl ms, then per key: expected eTag ('' = any), encoded value ('' = delete).
 * Returns 'ok' or the 1-based index of a conflicting key.
 */
const WRITE_BATCH = `
for i = 1, #KEYS do
  local expected = ARGV[i * 2]
  if expected ~= '' then
    local cur = redis.call('GET', KEYS[i])
    if cur and string.sub(cur, 1, string.len(expected) + 1) ~= expected .. '\\n' then return i end
  end
end
for i = 1, #KEYS do
  local value = ARGV[1 + i * 2]
  if value == '' then redis.call('DEL', KEYS[i]) else redis.call('SET', KEYS[i], value, 'PX', ARGV[1]) end
end
return 'ok'`;

/**
 * A turn's commit: checks the lock, checks eTags, writes, records the turn as done, releases.
 * KEYS[1] lock, KEYS[2] done turns, KEYS[3] their answers, KEYS[4..] data (all one slot).
 * ARGV: token, data ttl ms, activity id ('' = do not record), window ms, answer ('' = none),
 * '1' = forget earlier turns' answers, then per data key: expected eTag ('' = any), value ('' = delete).
 * Returns 'ok', 'lost' (another turn holds the lock), 'expired' (nobody does) or the 1-based index
 * of a conflicting key; nothing is written unless 'ok'. The released lock keeps the value
 * '-' for RELEASE_REMEMBERED_MS (free to take, but "released recently"), except after a turn that
 * deleted a key ("delete my data"): then nothing of the conversation is left, the lock included.
 */
const COMMIT = `
local holder = redis.call('GET', KEYS[1])
if not holder or holder == '${RELEASED}' then return 'expired' end
if holder ~= ARGV[1] then return 'lost' end
local n = #KEYS - 3
for i = 1, n do
  local expected = ARGV[5 + i * 2]
  if expected ~= '' then
    local cur = redis.call('GET', KEYS[3 + i])
    if cur and string.sub(cur, 1, string.len(expected) + 1) ~= expected .. '\\n' then return i end
  end
end
local erased = false
for i = 1, n do
  local value = ARGV[6 + i * 2]
  if value == '' then
    redis.call('DEL', KEYS[3 + i])
    erased = true
  else
    redis.call('SET', KEYS[3 + i], value, 'PX', ARGV[2])
  end
end
if ARGV[6] == '1' then redis.call('DEL', KEYS[2], KEYS[3]) end
if ARGV[3] ~= '' then
  ${NOW}
  local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
  local count = redis.call('ZCARD', KEYS[2]) - #old
  if count >= ${MAX_RECORDED_TURNS} then
    for _, id in ipairs(redis.call('ZRANGE', KEYS[2], #old, #old + count - ${MAX_RECORDED_TURNS})) do old[#old + 1] = id end
  end
  for i = 1, #old do
    redis.call('ZREM', KEYS[2], old[i])
    redis.call('HDEL', KEYS[3], old[i])
  end
  redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[3])
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
  -- Only the latest turn's answer is kept: a client retries the turn it got no answer for.
  redis.call('DEL', KEYS[3])
  if ARGV[5] ~= '' then
    redis.call('HSET', KEYS[3], ARGV[3], ARGV[5])
    redis.call('PEXPIRE', KEYS[3], ARGV[4])
  end
end
if erased then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], '${RELEASED}', 'PX', ${RELEASE_REMEMBERED_MS}) end
return 'ok'`;

/** Renews a lock if it is still ours. KEYS[1] lock. ARGV: token, ttl ms. Returns 1 or 0. */
const EXTEND = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

/**
 * Compare-and-set of one key. KEYS[1]. ARGV: expected eTag ('' = must not exist), value ('' = delete), ttl ms.
 * Returns {1} or {0, current value or false}.
 */
const REPLACE_IF = `
local cur = redis.call('GET', KEYS[1])
local expected = ARGV[1]
local same
if expected == '' then same = not cur else same = cur and string.sub(cur, 1, string.len(expected) + 1) == expected .. '\\n' end
if not same then return {0, cur or false} end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return {1}`;

type Args = (string | number)[];
interface ScriptedRedis {
  tibLockAndRead(numKeys: number, ...args: Args): Promise<unknown>;
  tibReadTouch(numKeys: number, ...args: Args): Promise<unknown>;
  tibWriteBatch(numKeys: number, ...args: Args): Promise<unknown>;
  tibCommit(numKeys: number, ...args: Args): Promise<unknown>;
  tibExtend(numKeys: number, ...args: Args): Promise<unknown>;
  tibReplaceIf(numKeys: number, ...args: Args): Promise<unknown>;
}

export interface RedisStoreOptions {
  /** Prefix of every key this service writes, e.g. `tib:`. */
  prefix: string;
  /** Retention: how long an item lives after its last turn or write. */
  ttlMs: number;
  /** Called with each round trip's duration (metrics). */
  onRoundTrip?: (op: string, seconds: number) => void;
  /**
   * The client talks to one Redis process (no Cluster, no sharding proxy): scripts may then touch
   * keys of several owners (the lock-and-read reads the user's keys and other stores' keys too).
   * Default false: every script keeps to one owner's slot.
   */
  oneNode?: boolean;
}

/**
 * Bot state in Redis (standalone or Cluster). Keys are `<prefix>{<owner>}<rest>` where the owner
 * is the conversation or user the key belongs to (see `ownerTag`), so one owner's keys share a
 * Redis Cluster slot. Values are `<eTag>\n<json>`. On a Cluster every script touches the keys of one
 * owner only. A turn costs two round trips: the conversation's lock-and-read script (on one
 * Redis process, `oneNode`, it reads and touches the user's keys too; otherwise the user's
 * read-and-touch goes beside it, two commands sent together), then the conversation's commit script.
 * A turn that changed the user's state writes it first, with compare-and-set (TurnSerializer).
 */
export class RedisStore implements ConversationStore {
  readonly kind = 'redis' as const;
  private readonly client: RedisClient & ScriptedRedis;

  constructor(client: RedisClient, private readonly options: RedisStoreOptions) {
    client.defineCommand('tibLockAndRead', { lua: LOCK_AND_READ });
    client.defineCommand('tibReadTouch', { lua: READ_TOUCH });
    client.defineCommand('tibWriteBatch', { lua: WRITE_BATCH });
    client.defineCommand('tibCommit', { lua: COMMIT });
    client.defineCommand('tibExtend', { lua: EXTEND });
    client.defineCommand('tibReplaceIf', { lua: REPLACE_IF });
    this.client = client as RedisClient & ScriptedRedis;
    this.oneNode = options.oneNode === true && !('nodes' in client);
  }

  /** One Redis process: a script may touch several slots (see RedisStoreOptions.oneNode). */
  private readonly oneNode: boolean;

  /** The Redis key of a storage key. */
  redisKey(key: string): string {
    const tag = ownerTag(key);
    return `${this.options.prefix}{${tag}}${key.slice(tag.length)}`;
  }

  private turnKeys(tag: string): [lock: string, done: string, answers: string] {
    const base = `${this.options.prefix}{${tag}}#`;
    return [`${base}lock`, `${base}done`, `${base}answers`];
  }

  /** One MGET per owner (one slot each), in parallel. */
  async read(keys: string[]): Promise<StoreItems> {
    const wanted = [...new Set(keyList(keys))];
    if (wanted.length === 0) return {};
    const groups = byOwner(wanted);
    const values = await this.timed('read', () => Promise.all(groups.map((group) => this.client.mget(...group.map((k) => this.redisKey(k))))));
    const items: StoreItems = {};
    groups.forEach((group, g) =>
      group.forEach((key, i) => {
        const stored = values[g][i];
        if (stored !== null) items[key] = decodeItem(key, stored);
      }),
    );
    return items;
  }

  /** All or nothing per owner: every eTag of an owner's keys is checked before any of them is written. */
  async write(changes: StoreItems): Promise<void> {
    const entries = changeList(changes);
    if (entries.length === 0) return;
    const groups = byOwner(entries.map(([key]) => key));
    const byKey = new Map<string, StoreItem | null>(entries);
    await this.timed('write', () =>
      Promise.all(
        groups.map(async (group) => {
          const args: Args = group.map((key) => this.redisKey(key));
          args.push(this.options.ttlMs);
          for (const key of group) {
            const item = byKey.get(key)!;
            args.push(expectedEtag(item) ?? '', item === null ? '' : encodeItem(item, newEtag()));
          }
          const reply = await this.client.tibWriteBatch(group.length, ...args);
          if (typeof reply === 'number') throw new EtagConflictError(group[reply - 1]);
        }),
      ),
    );
  }

  async delete(keys: string[]): Promise<void> {
    const wanted = keyList(keys);
    if (wanted.length === 0) return;
    await this.timed('delete', () => Promise.all(byOwner(wanted).map((group) => this.client.del(...group.map((k) => this.redisKey(k))))));
  }

  /** One Redis process: other stores' keys can be read in the lock-and-read (see ConversationStore). */
  get readsRawInLock(): boolean {
    return this.oneNode;
  }

  async acquireAndRead(lock: TurnLock, keys: string[], raw: string[] = []): Promise<AcquireResult> {
    if (raw.length > 0 && !this.oneNode) throw new Error('Storage: only on one Redis process (oneNode) does the lock-and-read read other keys.');
    // On one Redis process every key is in reach of one script: the user's keys are read (and
    // touched) by the lock-and-read itself, one command instead of two. Otherwise (a Cluster, a
    // sharding proxy) they are read in their own slot, beside it.
    const own = this.oneNode ? keys : keys.filter((k) => ownerTag(k) === lock.tag);
    const others = this.oneNode ? [] : byOwner(keys.filter((k) => ownerTag(k) !== lock.tag));
    const [reply, ...otherValues] = (await this.timed('acquire', () =>
      Promise.all([
        this.client.tibLockAndRead(3 + own.length + raw.length, ...this.turnKeys(lock.tag), ...own.map((k) => this.redisKey(k)), ...raw, lock.token, lock.ttlMs, this.options.ttlMs, lock.activityId ?? '', raw.length),
        ...others.map((group) => this.client.tibReadTouch(group.length, ...group.map((k) => this.redisKey(k)), this.options.ttlMs)),
      ]),
    )) as [(string | number | null)[], ...(string | null)[][]];
    if (reply[0] === 0) return { acquired: false, retryInMs: Math.max(1, Number(reply[1])) };
    if (reply[0] === 2) return { acquired: false, duplicate: true, replies: typeof reply[1] === 'string' ? reply[1] : undefined };
    const releasedRecently = reply[0] === 3;
    const items: StoreItems = {};
    own.forEach((key, i) => {
      const stored = reply[i + 1];
      if (typeof stored === 'string') items[key] = decodeItem(key, stored);
    });
    others.forEach((group, g) =>
      group.forEach((key, i) => {
        const stored = otherValues[g][i];
        if (typeof stored === 'string') items[key] = decodeItem(key, stored);
      }),
    );
    const rawValues = raw.map((_, j) => {
      const stored = reply[own.length + 1 + j];
      return typeof stored === 'string' ? stored : undefined;
    });
    return { acquired: true, items, releasedRecently, ...(raw.length > 0 ? { raw: rawValues } : {}) };
  }

  async writeAndRelease(lock: TurnLock, changes: Record<string, StoreItem | null>, record?: TurnRecord): Promise<void> {
    const entries = Object.entries(changes);
    const foreign = entries.find(([key]) => ownerTag(key) !== lock.tag);
    if (foreign) throw new Error(`Storage: "${foreign[0]}" does not belong to "${lock.tag}"; write it with replaceIf.`);
    const args: Args = [...this.turnKeys(lock.tag), ...entries.map(([key]) => this.redisKey(key))];
    const recorded = record && lock.activityId ? lock.activityId : '';
    args.push(lock.token, this.options.ttlMs, recorded, record?.windowMs ?? 0, (recorded && record?.replies) || '', record?.forgetEarlier ? '1' : '');
    for (const [, item] of entries) args.push(expectedEtag(item) ?? '', item === null ? '' : encodeItem(item, newEtag()));
    const reply = await this.timed('commit', () => this.client.tibCommit(3 + entries.length, ...args));
    if (reply === 'lost' || reply === 'expired') throw new LockLostError(lock.tag, reply === 'lost' ? 'taken' : 'expired');
    if (typeof reply === 'number') throw new EtagConflictError(entries[reply - 1][0]);
  }

  async extend(lock: TurnLock): Promise<boolean> {
    const reply = await this.timed('extend', () => this.client.tibExtend(1, this.turnKeys(lock.tag)[0], lock.token, lock.ttlMs));
    return Number(reply) === 1;
  }

  async replaceIf(key: string, expected: string | undefined, item: StoreItem | null): Promise<ReplaceResult> {
    const reply = (await this.timed('replace', () =>
      this.client.tibReplaceIf(1, this.redisKey(key), expected ?? '', item === null ? '' : encodeItem(item, newEtag()), this.options.ttlMs),
    )) as [number, string | null | undefined];
    if (Number(reply[0]) === 1) return { written: true };
    return { written: false, current: typeof reply[1] === 'string' ? decodeItem(key, reply[1]) : undefined };
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

/** Keys grouped by owner: each group is one hash slot. */
function byOwner(keys: string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const key of keys) {
    const tag = ownerTag(key);
    const group = groups.get(tag);
    if (group) group.push(key);
    else groups.set(tag, [key]);
  }
  return [...groups.values()];
}
