import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { Middleware, Storage, StoreItem, StoreItems, TurnContext } from 'botbuilder';
import { type ConversationStore, type TurnLock, EtagConflictError, expectedEtag, keyList, changeList } from './conversationStore';
import { conversationTag, turnStateKeys } from './stateKeys';

/** What one turn has read and what it will write, held while the turn runs. */
class TurnScope {
  readonly writes: Record<string, StoreItem | null> = {};
  constructor(readonly items: StoreItems, readonly prefetched: Set<string>) {}
}

const currentTurn = new AsyncLocalStorage<TurnScope>();

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
        if (written) items[key] = written;
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
      }
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const scope = currentTurn.getStore();
    if (!scope) return this.store.write(changes);
    const entries = changeList(changes);
    for (const [key, item] of entries) {
      const expected = expectedEtag(item);
      const current = key in scope.writes ? scope.writes[key] : scope.items[key];
      if (expected !== undefined && current && current.eTag !== expected) throw new EtagConflictError(key);
    }
    // A snapshot, not the live object: botbuilder keeps mutating its cached state after saving it.
    for (const [key, item] of entries) scope.writes[key] = JSON.parse(JSON.stringify(item)) as StoreItem;
  }

  async delete(keys: string[]): Promise<void> {
    const scope = currentTurn.getStore();
    if (!scope) return this.store.delete(keys);
    for (const key of keyList(keys)) scope.writes[key] = null;
  }
}

export interface TurnSerializerOptions {
  lockTtlMs: number;
  maxWaitMs: number;
  onWait?: () => void;
}

/**
 * Middleware that applies the turns of one conversation one after the other, across processes,
 * in two store round trips: one that takes the conversation's lock and reads the turn's state,
 * and one that writes the turn's changes and releases the lock. Inside one process, turns of a
 * conversation queue locally first, so only one of them at a time asks the store.
 */
export class TurnSerializer implements Middleware {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly store: ConversationStore, private readonly options: TurnSerializerOptions) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const tag = conversationTag(context.activity);
    if (!tag) return next();
    await this.inOrder(tag, () => this.locked(tag, turnStateKeys(context.activity), next));
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

  private async locked(tag: string, keys: string[], next: () => Promise<void>): Promise<void> {
    const lock: TurnLock = { tag, token: lockToken(), ttlMs: this.options.lockTtlMs };
    const started = Date.now();
    let delay = 2;
    for (;;) {
      const result = await this.store.acquireAndRead(lock, keys);
      if (result.acquired) {
        const scope = new TurnScope(result.items, new Set(keys));
        let failed = false;
        try {
          await currentTurn.run(scope, next);
        } catch (err) {
          failed = true;
          throw err;
        } finally {
          // A failed turn writes nothing but still releases the lock.
          await this.store.writeAndRelease(lock, failed ? {} : scope.writes);
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
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function noop(): void {}
