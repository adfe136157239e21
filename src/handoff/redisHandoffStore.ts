import type { RedisClient as Redis } from '../infra/redis';
import { OPEN_STATES, queueScore, type HandoffRecord, type HandoffStore, type Note, type Transition, type TransitionResult } from './types';

/**
 * One atomic transition of one record. KEYS[1] the record. ARGV: allowed states (comma list;
 * `bot` also means "no record"), required owner of an assigned record ('' = any), patch JSON,
 * ttl ms, now ms, '1' when the transition may create the record, a flag that must not be set ('').
 * Returns {'ok', new, old-or-false} or {'state'|'owner'|'unknown', current-or-false}.
 */
const TRANSITION = `
local raw = redis.call('GET', KEYS[1])
local rec = false
if raw then rec = cjson.decode(raw) end
local state = 'bot'
if rec and rec.state then state = rec.state end
if not string.find(',' .. ARGV[1] .. ',', ',' .. state .. ',', 1, true) then return {'state', raw or false} end
if ARGV[2] ~= '' and state == 'assigned' and rec.owner ~= ARGV[2] then return {'owner', raw} end
if ARGV[7] ~= '' and rec and rec[ARGV[7]] == true then return {'state', raw} end
if not rec then
  if ARGV[6] ~= '1' then return {'unknown', false} end
  rec = {}
end
for k, v in pairs(cjson.decode(ARGV[3])) do rec[k] = v end
rec.version = (tonumber(rec.version) or 0) + 1
rec.updatedAt = tonumber(ARGV[5])
local out = cjson.encode(rec)
redis.call('SET', KEYS[1], out, 'PX', ARGV[4])
return {'ok', out, raw or false}`;

interface ScriptedRedis {
  tibHandoffTransition(...args: (string | number)[]): Promise<[string, string | null, (string | null)?]>;
}

const NOTES_MAX = 500;

/**
 * The handoff store in Redis, ready for Redis Cluster.
 *
 * Keys: `<prefix>ho:{<conversationId>}:rec` (the record, JSON) and `<prefix>ho:{<conversationId>}:notes`
 * share one hash slot, so the transition script touches one key of one slot. The queue index
 * `<prefix>ho:queue` (a sorted set: conversation id, score = priority then request time) is
 * global and lives in another slot, so no script touches it together with a record.
 *
 * How the two stay consistent: the record is the truth, the index only a way to find open
 * records. After every transition the store updates the index in a second command (ZADD when the
 * record is open, ZREM when not). If a process dies between the two:
 * - an index entry whose record is no longer open (or gone) is dropped by `open()`, which reads
 *   every listed record and removes the stale ones;
 * - an open record missing from the index is put back by `reindex()`, which the router calls on
 *   every message of a queued or assigned conversation and the timeout sweep calls too; ZADD with
 *   the same score is idempotent.
 * So the console never shows a closed conversation, and a waiting user is listed again at their
 * next message at the latest.
 */
export class RedisHandoffStore implements HandoffStore {
  readonly kind = 'redis' as const;
  private readonly client: Redis & ScriptedRedis;

  constructor(client: Redis, private readonly options: { prefix: string; ttlMs: number; ownsClient?: boolean }) {
    client.defineCommand('tibHandoffTransition', { lua: TRANSITION, numberOfKeys: 1 });
    this.client = client as Redis & ScriptedRedis;
  }

  private key(conversationId: string, part: 'rec' | 'notes'): string {
    return `${this.options.prefix}ho:{${conversationId}}:${part}`;
  }

  private get queueKey(): string {
    return `${this.options.prefix}ho:queue`;
  }

  async get(conversationId: string): Promise<HandoffRecord | undefined> {
    const raw = await this.client.get(this.key(conversationId, 'rec'));
    return raw ? decode(raw) : undefined;
  }

  /** Where a conversation's record lies (the turn's lock-and-read reads it there on one Redis). */
  recordKey(conversationId: string): string {
    return this.key(conversationId, 'rec');
  }

  /** A record as `get` returns it, from the stored text (undefined: none). */
  decodeRecord(raw: string | undefined): HandoffRecord | undefined {
    return raw ? decode(raw) : undefined;
  }

  async transition(conversationId: string, change: Transition, now: number): Promise<TransitionResult> {
    const reply = await this.client.tibHandoffTransition(
      this.key(conversationId, 'rec'),
      change.from.join(','),
      change.owner ?? '',
      JSON.stringify(change.patch),
      this.options.ttlMs,
      now,
      change.create ? '1' : '',
      change.unlessFlag ?? '',
    );
    const [status, raw, old] = reply;
    if (status !== 'ok') return { ok: false, reason: status as 'state' | 'owner' | 'unknown', record: raw ? decode(raw) : undefined };
    const record = decode(raw!);
    await this.reindex(record);
    return { ok: true, record, previous: old ? decode(old) : undefined };
  }

  async reindex(record: HandoffRecord): Promise<void> {
    if (OPEN_STATES.includes(record.state)) await this.client.zadd(this.queueKey, queueScore(record), record.conversationId);
    else await this.client.zrem(this.queueKey, record.conversationId);
  }

  async open(limit = 200): Promise<HandoffRecord[]> {
    const ids = await this.client.zrange(this.queueKey, "0", String(limit - 1));
    if (ids.length === 0) return [];
    // One GET per record: records live in different slots (auto-pipelined into one round trip on a single node).
    const replies = await Promise.all(ids.map((id) => this.client.get(this.key(id, 'rec'))));
    const open: HandoffRecord[] = [];
    const stale: string[] = [];
    ids.forEach((id, i) => {
      const raw = replies[i];
      const record = raw ? decode(raw) : undefined;
      if (record && OPEN_STATES.includes(record.state)) open.push(record);
      else stale.push(id);
    });
    if (stale.length > 0) await this.client.zrem(this.queueKey, ...stale);
    return open.sort((a, b) => queueScore(a) - queueScore(b));
  }

  async addNote(conversationId: string, note: Note): Promise<void> {
    const key = this.key(conversationId, 'notes');
    await this.client.multi().rpush(key, JSON.stringify(note)).ltrim(key, -NOTES_MAX, -1).pexpire(key, this.options.ttlMs).exec();
  }

  async notes(conversationId: string): Promise<Note[]> {
    return (await this.client.lrange(this.key(conversationId, 'notes'), 0, -1)).map((raw) => JSON.parse(raw) as Note);
  }

  async erase(conversationId: string): Promise<void> {
    await this.client.del(this.key(conversationId, 'rec'), this.key(conversationId, 'notes'));
    await this.client.zrem(this.queueKey, conversationId);
  }

  async close(): Promise<void> {
    if (this.options.ownsClient) await this.client.quit().catch(() => this.client.disconnect());
  }
}

/** A stored record; Lua's cjson writes JSON null for cleared fields, read back as absent. */
function decode(raw: string): HandoffRecord {
  const record = JSON.parse(raw) as HandoffRecord & Record<string, unknown>;
  for (const [k, v] of Object.entries(record)) if (v === null) delete record[k];
  return record;
}
