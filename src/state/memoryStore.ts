import type { StoreItem, StoreItems } from 'botbuilder';
import {
  type AcquireResult,
  type ConversationStore,
  type ReplaceResult,
  type TurnLock,
  type TurnRecord,
  MAX_RECORDED_TURNS,
  RELEASE_REMEMBERED_MS,
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

/** A lock's value after its release, for RELEASE_REMEMBERED_MS (as in RedisStore). */
const RELEASED = '-';

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * The embedded store: one process, nothing on disk. Same semantics as `RedisStore` (eTags,
 * retention, turn locks), so the contract suite runs unchanged against both. Every operation
 * yields once, as a real store's round trip would, so turns interleave as they do on Redis.
 */
export class MemoryStore implements ConversationStore {
  readonly kind = 'memory' as const;
  private readonly items = new Map<string, Entry>();
  private readonly locks = new Map<string, Entry>();
  /** Per conversation: committed turns' activity ids → when they are forgotten, and their recorded answer. */
  private readonly done = new Map<string, Map<string, { expiresAt: number; replies?: string }>>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: { ttlMs: number; sweepEveryMs?: number }) {
    if (options.sweepEveryMs) {
      this.sweeper = setInterval(() => this.sweep(), options.sweepEveryMs);
      this.sweeper.unref();
    }
  }

  async read(keys: string[]): Promise<StoreItems> {
    await tick();
    const items: StoreItems = {};
    for (const key of keyList(keys)) {
      const entry = this.live(this.items, key);
      if (entry) items[key] = decodeItem(key, entry.value);
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    await tick();
    this.apply(new Map(changeList(changes)));
  }

  async delete(keys: string[]): Promise<void> {
    await tick();
    for (const key of keyList(keys)) this.items.delete(key);
  }

  async acquireAndRead(lock: TurnLock, keys: string[]): Promise<AcquireResult> {
    await tick();
    const now = Date.now();
    const holder = this.live(this.locks, lock.tag);
    if (holder && holder.value !== lock.token && holder.value !== RELEASED) return { acquired: false, retryInMs: Math.max(1, holder.expiresAt - now) };
    if (lock.activityId) {
      const turn = this.done.get(lock.tag)?.get(lock.activityId);
      if (turn && turn.expiresAt > now) return { acquired: false, duplicate: true, replies: turn.replies };
    }
    this.locks.set(lock.tag, { value: lock.token, expiresAt: now + lock.ttlMs });
    const items: StoreItems = {};
    for (const key of keys) {
      const entry = this.live(this.items, key);
      if (!entry) continue;
      entry.expiresAt = now + this.options.ttlMs;
      items[key] = decodeItem(key, entry.value);
    }
    return { acquired: true, items, releasedRecently: holder?.value === RELEASED };
  }

  async writeAndRelease(lock: TurnLock, changes: Record<string, StoreItem | null>, record?: TurnRecord): Promise<void> {
    await tick();
    const foreign = Object.keys(changes).find((key) => ownerTag(key) !== lock.tag);
    if (foreign) throw new Error(`Storage: "${foreign}" does not belong to "${lock.tag}"; write it with replaceIf.`);
    const holder = this.live(this.locks, lock.tag);
    if (holder?.value !== lock.token) throw new LockLostError(lock.tag, holder && holder.value !== RELEASED ? 'taken' : 'expired');
    this.apply(new Map(Object.entries(changes)));
    if (record?.forgetEarlier) this.done.delete(lock.tag);
    if (record && lock.activityId) this.remember(lock.tag, lock.activityId, record);
    // As in RedisStore: remembered as released recently, unless the turn deleted a key ("delete my data").
    if (Object.values(changes).some((item) => item === null)) this.locks.delete(lock.tag);
    else this.locks.set(lock.tag, { value: RELEASED, expiresAt: Date.now() + RELEASE_REMEMBERED_MS });
  }

  async extend(lock: TurnLock): Promise<boolean> {
    await tick();
    const holder = this.live(this.locks, lock.tag);
    if (holder?.value !== lock.token) return false;
    holder.expiresAt = Date.now() + lock.ttlMs;
    return true;
  }

  async replaceIf(key: string, expected: string | undefined, item: StoreItem | null): Promise<ReplaceResult> {
    await tick();
    const current = this.live(this.items, key);
    const same = expected === undefined ? !current : current?.value.startsWith(`${expected}\n`) === true;
    if (!same) return { written: false, current: current ? decodeItem(key, current.value) : undefined };
    if (item === null) this.items.delete(key);
    else this.items.set(key, { value: encodeItem(item, newEtag()), expiresAt: Date.now() + this.options.ttlMs });
    return { written: true };
  }

  private remember(tag: string, activityId: string, record: TurnRecord): void {
    const now = Date.now();
    let turns = this.done.get(tag);
    if (!turns) this.done.set(tag, (turns = new Map()));
    for (const [id, turn] of turns) if (turn.expiresAt <= now) turns.delete(id);
    // Oldest first (insertion order): drop the oldest beyond the cap.
    for (const id of turns.keys()) {
      if (turns.size < MAX_RECORDED_TURNS) break;
      turns.delete(id);
    }
    // Only the latest turn's answer is kept: a client retries the turn it got no answer for.
    for (const turn of turns.values()) delete turn.replies;
    turns.set(activityId, { expiresAt: now + record.windowMs, ...(record.replies ? { replies: record.replies } : {}) });
  }

  async ping(): Promise<number> {
    return 0;
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  /** Number of live items (for the embedded store's metrics and tests). */
  get size(): number {
    this.sweep();
    return this.items.size;
  }

  /** All or nothing: every eTag is checked before anything is written. */
  private apply(changes: Map<string, StoreItem | null>): void {
    for (const [key, item] of changes) {
      const expected = expectedEtag(item);
      const current = this.live(this.items, key);
      if (expected !== undefined && current && !current.value.startsWith(`${expected}\n`)) throw new EtagConflictError(key);
    }
    const expiresAt = Date.now() + this.options.ttlMs;
    for (const [key, item] of changes) {
      if (item === null) this.items.delete(key);
      else this.items.set(key, { value: encodeItem(item, newEtag()), expiresAt });
    }
  }

  private live(map: Map<string, Entry>, key: string): Entry | undefined {
    const entry = map.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      map.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    const now = Date.now();
    for (const map of [this.items, this.locks]) {
      for (const [key, entry] of map) if (entry.expiresAt <= now) map.delete(key);
    }
    for (const [tag, turns] of this.done) {
      for (const [id, turn] of turns) if (turn.expiresAt <= now) turns.delete(id);
      if (turns.size === 0) this.done.delete(tag);
    }
  }
}

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
