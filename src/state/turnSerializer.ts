import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { type Activity, DeliveryModes, type Middleware, type Storage, type StoreItem, type StoreItems, type TurnContext } from 'botbuilder';
import {
  type ConversationStore,
  type TurnLock,
  type TurnRecord,
  EtagConflictError,
  LockLostError,
  MAX_DEDUP_ID_LENGTH,
  expectedEtag,
  keyList,
  changeList,
  forgetJson,
  rememberJson,
} from './conversationStore';
import { conversationTag, ownerTag, turnStateKeys } from './stateKeys';
import { mergeState, withoutEtag } from './mergeState';
import { BESIDE_LOCK_WITHIN_MS, type ReadBesideLock } from './readBesideLock';

/** What one turn has read and what it will write, held while the turn runs. */
class TurnScope {
  readonly writes: Record<string, StoreItem | null> = {};
  /**
   * What the turn read of keys outside its conversation (the user's), as read: the base of the
   * three-way merge when the turn changed them (botbuilder mutates the objects it was given).
   */
  readonly base = new Map<string, StoreItem | undefined>();
  /** The eTags of the conversation's own keys as read (undefined: absent), before botbuilder overwrites them with '*'. */
  readonly readEtags = new Map<string, string | undefined>();
  constructor(readonly tag: string, readonly items: StoreItems, readonly prefetched: Set<string>) {
    for (const key of prefetched) {
      this.snapshot(key);
      if (ownerTag(key) === tag) this.readEtags.set(key, items[key]?.eTag);
    }
  }

  snapshot(key: string): void {
    if (ownerTag(key) === this.tag) return;
    const item = this.items[key];
    this.base.set(key, item ? (JSON.parse(JSON.stringify(item)) as StoreItem) : undefined);
  }
}

const currentTurn = new AsyncLocalStorage<TurnScope>();

/**
 * A copy of a written item, as `JSON.parse(JSON.stringify(item))` makes it. Given `json` (the
 * item's JSON without its eTag) and a string eTag (or none), it is parsed from that, and the
 * commit reuses the JSON (until the copy is handed to a reader: TurnScopedStorage.read).
 */
function snapshotOf(item: StoreItem, json: string | undefined): StoreItem {
  const eTag: unknown = item.eTag;
  if (json === undefined || (eTag !== undefined && typeof eTag !== 'string')) return JSON.parse(JSON.stringify(item)) as StoreItem;
  const copy = JSON.parse(json) as StoreItem;
  if (eTag !== undefined) copy.eTag = eTag;
  rememberJson(copy, json);
  return copy;
}

/** Writes of other stores that a turn sent without waiting, waited for with its commit (see waitWithCommit). */
const SIDE_WRITES = Symbol('turnSerializer.sideWrites');

/**
 * For a middleware inside the turn lock that writes elsewhere at the end of a turn (the
 * transcript): the turn waits for `write` together with its commit, so the write and the commit
 * are one round trip in sequence instead of two. Only for a write sent on the same connection as
 * the commit (one Redis, one client), which Redis then runs before the commit releases the lock,
 * so the next turn's write still comes after it. `write` must not reject (the caller handles its
 * failure). False outside a serialized turn (or after its commit): then the caller waits itself.
 */
export function waitWithCommit(context: TurnContext, write: Promise<unknown>): boolean {
  const pending = context.turnState.get(SIDE_WRITES) as Promise<unknown>[] | undefined;
  if (!pending) return false;
  pending.push(write);
  return true;
}

/** Lock tokens: unique per process (random prefix) and per turn (counter), without a syscall per turn. */
const tokenPrefix = randomBytes(8).toString('base64url');
let tokenCounter = 0;
function lockToken(): string {
  return `${tokenPrefix}${(tokenCounter++).toString(36)}`;
}

export class ConversationBusyError extends Error {
  constructor(readonly tag: string, waitedMs: number) {
    super(`Conversation "${tag}" stayed busy with another turn for ${waitedMs} ms.`);
    this.name = 'ConversationBusyError';
  }
}

/**
 * The `Storage` that `ConversationState` and `UserState` are built on. Inside a turn it serves
 * reads from what the turn prefetched and holds writes until the turn ends; outside a turn it
 * passes straight through to the store.
 */
export class TurnScopedStorage implements Storage {
  constructor(private readonly store: ConversationStore, private readonly onMiss: () => void = () => {}) {}

  async read(keys: string[]): Promise<StoreItems> {
    const scope = currentTurn.getStore();
    if (!scope) return this.store.read(keys);
    const items: StoreItems = {};
    const missing: string[] = [];
    for (const key of keyList(keys)) {
      if (key in scope.writes) {
        const written = scope.writes[key];
        if (written) {
          // the reader may change it: the commit stringifies it again
          forgetJson(written);
          items[key] = written;
        }
      } else if (scope.prefetched.has(key)) {
        if (scope.items[key]) items[key] = scope.items[key];
      } else missing.push(key);
    }
    if (missing.length > 0) {
      this.onMiss();
      const fetched = await this.store.read(missing);
      for (const key of missing) {
        scope.prefetched.add(key);
        if (fetched[key]) items[key] = scope.items[key] = fetched[key];
        scope.snapshot(key);
      }
    }
    return items;
  }

  /**
   * `json`: of some keys, the item's JSON without its eTag, as it is now (LeanConversationState's
   * change mark), so the snapshot is parsed from it and the commit writes it without stringifying again.
   */
  async write(changes: StoreItems, json?: Record<string, string>): Promise<void> {
    const scope = currentTurn.getStore();
    if (!scope) return this.store.write(changes);
    const entries = changeList(changes);
    for (const [key, item] of entries) {
      const expected = expectedEtag(item);
      const current = key in scope.writes ? scope.writes[key] : scope.items[key];
      if (expected !== undefined && current && current.eTag !== expected) throw new EtagConflictError(key);
    }
    // A snapshot, not the live object: botbuilder keeps mutating its cached state after saving it.
    for (const [key, item] of entries) scope.writes[key] = snapshotOf(item, json?.[key]);
  }

  async delete(keys: string[]): Promise<void> {
    const scope = currentTurn.getStore();
    if (!scope) return this.store.delete(keys);
    for (const key of keyList(keys)) scope.writes[key] = null;
  }
}

export interface TurnSerializerOptions {
  /** The longest a live turn may hold its conversation (the lease is renewed until then). */
  lockTtlMs: number;
  /** The lock's lease: renewed every third of it while the turn runs; a dead holder's lock expires within it. */
  leaseMs?: number;
  maxWaitMs: number;
  /** Retries of a committed activity (same activity.id) within this window are not applied again; 0: off. */
  dedupWindowMs?: number;
  onWait?: () => void;
  /** A retried activity was answered from the record of its first, committed turn. */
  onDuplicate?: () => void;
  /** Reads of other slots that middleware inside the lock makes on every turn, sent together with the lock-and-read. */
  besideLock?: ReadBesideLock<unknown>[];
}

/** Largest recorded answer (expectReplies) a retry gets again; a larger one is answered with none. */
const MAX_RECORDED_REPLIES_CHARS = 64 * 1024;
/** Attempts to merge a turn's change into user state that others keep changing. */
const MERGE_ATTEMPTS = 20;

/**
 * Middleware that applies the turns of one conversation one after the other, across processes,
 * in two store round trips: one that takes the conversation's lock and reads the turn's state
 * (the user's state read beside it), and one that writes the turn's changes and releases the
 * lock. Inside one process, turns of a conversation queue locally first, so only one of them at a
 * time asks the store.
 *
 * - The lock is a short lease that the turn renews while it runs (up to `lockTtlMs`), so a
 *   crashed instance blocks its conversations for at most one lease.
 * - The user's state is shared by the user's conversations, which do not share a lock: a turn
 *   that changed it merges its change into what is stored now with compare-and-set (before its
 *   conversation's commit, so an answer the user was told is saved is saved).
 * - A retry of an activity whose turn was committed (same `activity.id`, within the window) is
 *   not applied again: it gets the recorded answer (expectReplies) or an empty 200.
 * - Reads of other slots that middleware inside the lock needs on every turn (the handoff
 *   record, `besideLock`) go out together with the lock-and-read; see ReadBesideLock for when
 *   their value is used and when it is read again after the lock.
 */
export class TurnSerializer implements Middleware {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly leaseMs: number;

  constructor(private readonly store: ConversationStore, private readonly options: TurnSerializerOptions) {
    this.leaseMs = Math.min(options.leaseMs ?? options.lockTtlMs, options.lockTtlMs);
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const tag = conversationTag(context.activity);
    if (!tag) return next();
    await this.inOrder(tag, () => this.locked(context, tag, turnStateKeys(context.activity), next));
  }

  /** Runs `work` after every earlier turn of `tag` in this process has finished. */
  private inOrder(tag: string, work: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(tag);
    const run = previous ? previous.then(work, work) : work();
    const settled = run.then(noop, noop);
    this.queues.set(tag, settled);
    void settled.then(() => {
      if (this.queues.get(tag) === settled) this.queues.delete(tag);
    });
    return run;
  }

  private async locked(context: TurnContext, tag: string, keys: string[], next: () => Promise<void>): Promise<void> {
    const id = context.activity.id;
    const dedup = (this.options.dedupWindowMs ?? 0) > 0 && typeof id === 'string' && id !== '' && id.length <= MAX_DEDUP_ID_LENGTH;
    const lock: TurnLock = { tag, token: lockToken(), ttlMs: this.leaseMs, ...(dedup ? { activityId: id } : {}) };
    const started = Date.now();
    const besideLock = this.options.besideLock ?? [];
    const sentAt = performance.now();
    // one Redis: the reads that can are made by the lock-and-read itself; the others go beside it
    const inLock: { read: ReadBesideLock<unknown>; key: string }[] = [];
    for (const read of besideLock) {
      const key = this.store.readsRawInLock ? read.rawKey(context) : undefined;
      if (key === undefined) read.send(context);
      else inLock.push({ read, key });
    }
    const raw = inLock.map((r) => r.key);
    let delay = 2;
    for (let attempt = 0; ; attempt++) {
      const result = await this.store.acquireAndRead(lock, keys, raw);
      if (result.acquired) {
        inLock.forEach((r, i) => r.read.deliver(context, result.raw?.[i]));
        if (attempt === 0 && !result.releasedRecently && performance.now() - sentAt <= BESIDE_LOCK_WITHIN_MS) {
          for (const read of besideLock) read.vouch(context);
        }
        const scope = new TurnScope(tag, result.items, new Set(keys));
        const heartbeat = this.keepAlive(lock);
        const sideWrites: Promise<unknown>[] = [];
        context.turnState.set(SIDE_WRITES, sideWrites);
        let committed = false;
        try {
          await currentTurn.run(scope, next);
          await this.commit(context, lock, scope, dedup);
          committed = true;
        } finally {
          heartbeat.stop();
          // A failed turn writes nothing but still releases the lock.
          if (!committed) await this.store.writeAndRelease(lock, {}).catch(noop);
          context.turnState.delete(SIDE_WRITES);
          // the turn's answer waits for what was sent beside the commit (sent before it: mostly answered by now)
          await Promise.allSettled(sideWrites);
        }
        return;
      }
      if (result.duplicate) {
        this.options.onDuplicate?.();
        if (context.activity.deliveryMode === DeliveryModes.ExpectReplies && result.replies) {
          context.bufferedReplyActivities.push(...(JSON.parse(result.replies) as Partial<Activity>[]));
        }
        return;
      }
      const waited = Date.now() - started;
      if (waited >= this.options.maxWaitMs) throw new ConversationBusyError(tag, waited);
      this.options.onWait?.();
      const pause = Math.min(delay, result.retryInMs, this.options.maxWaitMs - waited);
      await sleep(pause + Math.random() * pause * 0.5);
      delay = Math.min(delay * 2, 50);
    }
  }

  /** The user's (and any other owner's) changes first, merged; then the conversation's, with the lock released. */
  private async commit(context: TurnContext, lock: TurnLock, scope: TurnScope, dedup: boolean): Promise<void> {
    const own: Record<string, StoreItem | null> = {};
    const others: [string, StoreItem | null][] = [];
    for (const [key, item] of Object.entries(scope.writes)) {
      if (ownerTag(key) === lock.tag) own[key] = item;
      else others.push([key, item]);
    }
    await Promise.all(others.map(([key, item]) => this.mergeInto(key, item, scope)));
    let record: TurnRecord | undefined;
    if (dedup) {
      record = { windowMs: this.options.dedupWindowMs!, forgetEarlier: Object.values(own).some((item) => item === null) };
      if (context.activity.deliveryMode === DeliveryModes.ExpectReplies) {
        const replies = JSON.stringify(context.bufferedReplyActivities);
        if (replies.length <= MAX_RECORDED_REPLIES_CHARS) record.replies = replies;
      }
    }
    try {
      await this.store.writeAndRelease(lock, own, record);
    } catch (err) {
      if (!(err instanceof LockLostError && err.reason === 'expired')) throw err;
      await this.commitAfterExpiry(lock, scope, own, record, err);
    }
  }

  /**
   * The lease ran out before the commit (a stalled process, a Redis failover longer than the
   * lease) and nobody has taken the conversation since: take the lock again and commit if the
   * conversation's state is still exactly what this turn read (no other turn ran in between).
   */
  private async commitAfterExpiry(lock: TurnLock, scope: TurnScope, own: Record<string, StoreItem | null>, record: TurnRecord | undefined, lost: LockLostError): Promise<void> {
    const keys = Object.keys(own).filter((key) => !scope.readEtags.has(key));
    if (keys.length > 0) throw lost; // a key the turn wrote without reading it first: cannot tell
    const again = await this.store.acquireAndRead(lock, [...scope.readEtags.keys()]);
    if (!again.acquired) throw lost;
    for (const [key, eTag] of scope.readEtags) {
      if (again.items[key]?.eTag !== eTag) {
        await this.store.writeAndRelease(lock, {}).catch(noop);
        throw lost;
      }
    }
    await this.store.writeAndRelease(lock, own, record);
  }

  /**
   * Writes a turn's change to a key its conversation's lock does not guard (the user's state):
   * compare-and-set against what the turn read; when another conversation changed it meanwhile,
   * this turn's change is merged into the newer value and set again.
   */
  private async mergeInto(key: string, item: StoreItem | null, scope: TurnScope): Promise<void> {
    // "Delete my data" wins over any change.
    if (item === null) return this.store.delete([key]);
    const mine = withoutEtag(item);
    if (!scope.base.has(key)) return this.store.write({ [key]: { ...mine, eTag: '*' } });
    const base = withoutEtag(scope.base.get(key));
    let expected = scope.base.get(key)?.eTag;
    let value = mine as StoreItem;
    for (let attempt = 0; attempt < MERGE_ATTEMPTS; attempt++) {
      const result = await this.store.replaceIf(key, expected, value);
      if (result.written) return;
      expected = result.current?.eTag;
      value = (mergeState(base, mine, withoutEtag(result.current)) ?? {}) as StoreItem;
    }
    throw new EtagConflictError(key);
  }

  /** Renews the lease every third of it while the turn runs, until the turn has held it for `lockTtlMs`. */
  private keepAlive(lock: TurnLock): { stop(): void } {
    const until = Date.now() + this.options.lockTtlMs;
    const every = Math.max(50, Math.floor(this.leaseMs / 3));
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const schedule = () => {
      if (stopped || Date.now() + every > until) return;
      timer = setTimeout(beat, every);
      timer.unref();
    };
    const beat = () => {
      const ttlMs = Math.min(lock.ttlMs, Math.max(1, until - Date.now()));
      this.store.extend({ ...lock, ttlMs }).then((ours) => {
        if (ours) schedule();
      }, schedule);
    };
    if (this.leaseMs < this.options.lockTtlMs) schedule();
    return {
      stop: () => {
        stopped = true;
        if (timer) clearTimeout(timer);
      },
    };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function noop(): void {}
