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
   * nothing is read and `retryInMs` says how long it is still held. When `lock.activityId` is set
   * and a turn with that id has already been committed in this conversation (within its window),
   * the lock is not taken and the result says `duplicate`, with the answer recorded for it.
   * Keys the lock's owner does not own (the user's) are read beside it, on their own slot.
   * `releasedRecently` says another turn released this lock less than `RELEASE_REMEMBERED_MS` ago
   * (see ReadBesideLock: a read sent beside the lock is trusted only when it is false).
   */
  acquireAndRead(lock: TurnLock, keys: string[], raw?: string[]): Promise<AcquireResult>;

  /**
   * True when `acquireAndRead` can also read `raw`: keys of another store on the same Redis (the
   * handoff record), read as they are in the same step as the lock (so as fresh as a read made
   * after it), without restarting their retention; their values come back in `raw`, in order
   * (undefined: absent). One Redis only; a Cluster's script reaches one slot.
   */
  readonly readsRawInLock?: boolean;

  /**
   * Applies `changes` (a value of `null` deletes the key) and releases the lock, in one step.
   * Every key must belong to the lock's owner (`ownerTag(key) === lock.tag`). Rejects with
   * `EtagConflictError` if any change carries an eTag that is neither `'*'` nor the stored one,
   * and with `LockLostError` if the lock is no longer ours (its `reason` says whether it ran out
   * or another turn holds it); in both cases nothing is written.
   * With `record`, the turn `lock.activityId` is remembered as done for `record.windowMs`.
   */
  writeAndRelease(lock: TurnLock, changes: Record<string, StoreItem | null>, record?: TurnRecord): Promise<void>;

  /** Renews the lock for another `lock.ttlMs` if it is still ours; false if it is not. */
  extend(lock: TurnLock): Promise<boolean>;

  /**
   * Compare-and-set of one key: writes `item` (`null` deletes) only if the stored item's eTag is
   * `expected` (`undefined`: only if there is none). Otherwise writes nothing and returns what is
   * stored now, so the caller can merge and try again without another read.
   */
  replaceIf(key: string, expected: string | undefined, item: StoreItem | null): Promise<ReplaceResult>;

  /** Round-trip time to the store, in milliseconds (readiness checks). */
  ping(): Promise<number>;

  close(): Promise<void>;
}

export interface TurnLock {
  /** What the lock guards, normally `${channelId}/conversations/${conversationId}`. */
  tag: string;
  /** The holder's random token: only the holder can extend or release the lock. */
  token: string;
  /** The lease: the lock expires this long after it was taken or last extended. */
  ttlMs: number;
  /** The turn's activity id, when turns are de-duplicated. */
  activityId?: string;
}

/** What is remembered of a committed turn, for a retry of the same activity. */
export interface TurnRecord {
  windowMs: number;
  /** The answer sent in the HTTP response (expectReplies), as JSON; a retry of this (the latest) turn gets it again. */
  replies?: string;
  /** Forget what earlier turns recorded (the conversation's data was erased). */
  forgetEarlier?: boolean;
}

export type AcquireResult =
  | { acquired: true; items: StoreItems; releasedRecently: boolean; raw?: (string | undefined)[] }
  | { acquired: false; retryInMs: number; duplicate?: undefined }
  | { acquired: false; duplicate: true; replies: string | undefined };

export type ReplaceResult = { written: true } | { written: false; current: StoreItem | undefined };

/**
 * How long a released lock is remembered as "released recently" (AcquireResult.releasedRecently).
 * Not after a commit that deleted a key ("delete my data" leaves nothing of the conversation).
 */
export const RELEASE_REMEMBERED_MS = 200;

/** Longest activity id that is de-duplicated (longer ids run without it). */
export const MAX_DEDUP_ID_LENGTH = 256;
/** Most turns remembered per conversation within the window. */
export const MAX_RECORDED_TURNS = 200;

export class EtagConflictError extends Error {
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'EtagConflictError';
  }
}

export class LockLostError extends Error {
  /** `expired`: nobody holds the lock now (it ran out); `taken`: another turn holds it. */
  constructor(readonly tag: string, readonly reason: 'expired' | 'taken' = 'taken') {
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
 * The JSON of an item without its eTag, where the code that made the item already has it (the
 * turn's snapshot of a write, src/state/turnSerializer.ts): `encodeItem` uses it instead of
 * stringifying again. Only for an object nobody can change any more; whoever hands such an
 * object out (to code that may change it) forgets its JSON first (`forgetJson`).
 */
const knownJson = new WeakMap<object, string>();

/** `item` (not changed since) has `json` as its JSON without its eTag. */
export function rememberJson(item: StoreItem, json: string): void {
  knownJson.set(item, json);
}

/** `item` may change from now on: `encodeItem` stringifies it again. */
export function forgetJson(item: StoreItem): void {
  knownJson.delete(item);
}

/**
 * A stored item as text: the eTag, a newline, then the item's JSON without its eTag. One format
 * for both stores, so that an item's size is the same in memory and in Redis.
 */
export function encodeItem(item: StoreItem, eTag: string): string {
  const known = knownJson.get(item);
  if (known !== undefined) return `${eTag}\n${known}`;
  // The item without its own eTag (a copy of its top level; JSON.stringify without a replacer
  // function is several times faster, and this runs for every key a turn writes).
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { eTag: _, ...rest } = item;
  return `${eTag}\n${JSON.stringify(rest)}`;
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
