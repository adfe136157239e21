import type { Storage, StoreItem, StoreItems } from 'botbuilder';

/**
 * The state port. A `ConversationStore` is a botbuilder `Storage` (read, write, delete with eTags)
 * that can also take a conversation's turn lock and read that turn's state in one round trip, and
 * write the turn's changes and release the lock in another. Implementations: `MemoryStore`
 * (embedded, one process) and `RedisStore` (any number of processes). One contract suite,
 * test/contract/conversationStore.test.ts, runs against both.
 */
export interface ConversationStore extends Storage {
  readonly kind: 'memory' | 'redis';

  /**
   * Takes the lock `lock.tag` for `lock.ttlMs` if it is free (or already ours) and, in the same
   * step, reads `keys` and restarts their retention time. When the lock is held by someone else,
   * nothing is read and `retryInMs` says how long it is still held.
   */
  acquireAndRead(lock: TurnLock, keys: string[]): Promise<AcquireResult>;

  /**
   * Applies `changes` (a value of `null` deletes the key) and releases the lock, in one step.
   * Rejects with `EtagConflictError` if any change carries an eTag that is neither `'*'` nor the
   * stored one, and with `LockLostError` if the lock is no longer ours; in both cases nothing is
   * written.
   */
  writeAndRelease(lock: TurnLock, changes: Record<string, StoreItem | null>): Promise<void>;

  /** Round-trip time to the store, in milliseconds (readiness checks). */
  ping(): Promise<number>;

  close(): Promise<void>;
}

export interface TurnLock {
  /** What the lock guards, normally `${channelId}/conversations/${conversationId}`. */
  tag: string;
  /** The holder's random token: only the holder can extend or release the lock. */
  token: string;
  ttlMs: number;
}

export type AcquireResult = { acquired: true; items: StoreItems } | { acquired: false; retryInMs: number };

export class EtagConflictError extends Error {
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'EtagConflictError';
  }
}

export class LockLostError extends Error {
  constructor(readonly tag: string) {
    super(`Storage: the turn lock of "${tag}" expired before the turn finished; its changes were not written.`);
    this.name = 'LockLostError';
  }
}

export class CorruptItemError extends Error {
  constructor(readonly key: string, cause: unknown) {
    super(`Storage: the stored value of "${key}" is not valid JSON (${cause instanceof Error ? cause.message : String(cause)}).`);
    this.name = 'CorruptItemError';
  }
}

/** The keys a caller asked for, tolerating `null` and arrays of non-strings as Bot Framework's catch-all contract requires. */
export function keyList(keys: unknown): string[] {
  if (!Array.isArray(keys)) return [];
  return keys.filter((k): k is string => typeof k === 'string');
}

/** The changes a caller passed, tolerating `null` as the catch-all contract requires. */
export function changeList(changes: unknown): [string, StoreItem][] {
  if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) return [];
  return Object.entries(changes as StoreItems);
}

/** A fresh eTag: short, random, never `'*'`. */
export function newEtag(): string {
  return Math.floor(Math.random() * 0x7fffffff).toString(36) + (etagCounter++ & 0xffff).toString(36);
}
let etagCounter = Math.floor(Math.random() * 0xffff);

/**
 * A stored item as text: the eTag, a newline, then the item's JSON without its eTag. One format
 * for both stores, so that an item's size is the same in memory and in Redis.
 */
export function encodeItem(item: StoreItem, eTag: string): string {
  const json = JSON.stringify(item, function (this: unknown, key: string, value: unknown) {
    return key === 'eTag' && this === item ? undefined : value;
  });
  return `${eTag}\n${json}`;
}

export function decodeItem(key: string, stored: string): StoreItem {
  const newline = stored.indexOf('\n');
  if (newline < 0) throw new CorruptItemError(key, new Error('no eTag line'));
  let item: unknown;
  try {
    item = JSON.parse(stored.slice(newline + 1));
  } catch (err) {
    throw new CorruptItemError(key, err);
  }
  if (item === null || typeof item !== 'object') throw new CorruptItemError(key, new Error('not an object'));
  (item as StoreItem).eTag = stored.slice(0, newline);
  return item as StoreItem;
}

/** The eTag a write asks to match, or undefined when the write is last-write-wins. */
export function expectedEtag(item: StoreItem | null): string | undefined {
  const eTag = item?.eTag;
  return typeof eTag === 'string' && eTag !== '*' && eTag !== '' ? eTag : undefined;
}
