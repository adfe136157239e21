import type { TurnContext } from 'botbuilder';
import { RELEASE_REMEMBERED_MS } from './conversationStore';

/**
 * The longest a turn's lock-and-read may take, counted from sending it together with the reads
 * beside it, for those reads to be trusted: half of RELEASE_REMEMBERED_MS (see below).
 */
export const BESIDE_LOCK_WITHIN_MS = RELEASE_REMEMBERED_MS / 2;

/**
 * A read that a middleware inside the turn lock makes on every turn from another store or Redis
 * Cluster slot than the lock's (the conversation's handoff record), so it cannot join the
 * lock-and-read script. TurnSerializer sends it together with the lock-and-read, saving the round
 * trip after it; the middleware gets that value only when it is as fresh as a read made after the
 * lock was taken, and otherwise reads again.
 *
 * Why that holds. The read beside the lock ran at some time r, the lock was taken at l; both lie
 * between sending them (s) and the lock's answer (a). A change that another turn of the
 * conversation made under the lock, after r, was followed by that turn's release, before l. The
 * serializer vouches for the read only when the lock was taken at the first attempt, a − s ≤
 * BESIDE_LOCK_WITHIN_MS, and the store says no turn released the lock in the last
 * RELEASE_REMEMBERED_MS (twice that): a release between r and l would be less than
 * BESIDE_LOCK_WITHIN_MS old at l, so it would have been reported. A turn of the same process is
 * never in between (TurnSerializer queues them before sending anything). What this does not cover
 * is what a read after the lock does not cover either: changes made outside the turn lock (a
 * caseworker's claim) and a stalled holder whose lease ran out; and one case of its own: a turn
 * that erased the conversation ("delete my data") leaves no lock behind (nothing of the
 * conversation may be left), so a message racing it on another instance, within those 100 ms,
 * can still see the erased record.
 */
export class ReadBesideLock<T> {
  private readonly slot = Symbol('readBesideLock');

  constructor(
    /** What to read for this turn; undefined: nothing (the middleware will not ask). */
    private readonly keyOf: (context: TurnContext) => string | undefined,
    private readonly read: (key: string) => Promise<T>,
    private readonly onRead: (when: ReadWhen) => void = () => {},
    /**
     * Where the value lies on the state store's own Redis, when it is one Redis (not a Cluster):
     * then the turn's lock-and-read script reads it in the same step as it takes the lock (as
     * fresh as a read made after it, and no command of its own). See ConversationStore.readsRawInLock.
     */
    private readonly inLock?: { redisKey(key: string): string; decode(raw: string | undefined): T },
  ) {}

  /** TurnSerializer, when its store reads other keys in the lock-and-read: the Redis key to read for this turn, if any (else it calls send). */
  rawKey(context: TurnContext): string | undefined {
    if (!this.inLock) return undefined;
    const key = this.keyOf(context);
    if (key === undefined) return undefined;
    context.turnState.set(this.slot, { key, pending: true } satisfies InLock);
    return this.inLock.redisKey(key);
  }

  /** TurnSerializer, with what its lock-and-read read at `rawKey(context)`, once the lock is taken. */
  deliver(context: TurnContext, raw: string | undefined): void {
    const asked = context.turnState.get(this.slot) as InLock | undefined;
    if (!asked || !this.inLock) return;
    const value = Promise.resolve().then(() => this.inLock!.decode(raw));
    value.catch(() => {}); // a failure shows when (and if) the middleware asks
    context.turnState.set(this.slot, { key: asked.key, value, fresh: true, inLock: true } satisfies Sent<T>);
  }

  /** TurnSerializer, just before the lock-and-read: sends the read. */
  send(context: TurnContext): void {
    const key = this.keyOf(context);
    if (key === undefined) return;
    const value = this.read(key);
    value.catch(() => {}); // a failure shows when (and if) the middleware asks
    context.turnState.set(this.slot, { key, value, fresh: false });
  }

  /** TurnSerializer, once the lock is taken in a way that makes the read as fresh as one made now. */
  vouch(context: TurnContext): void {
    const sent = context.turnState.get(this.slot) as Sent<T> | InLock | undefined;
    if (sent && 'fresh' in sent) sent.fresh = true;
  }

  /** The value for `key`, as fresh as a read made now: the one sent beside the lock if vouched for, else a new read. */
  get(context: TurnContext, key: string): Promise<T> {
    const sent = context.turnState.get(this.slot) as Sent<T> | InLock | undefined;
    context.turnState.delete(this.slot);
    if (sent && 'fresh' in sent && sent.fresh && sent.key === key) {
      this.onRead(sent.inLock ? 'in_lock' : 'beside_lock');
      return sent.value;
    }
    this.onRead('after_lock');
    return this.read(key);
  }
}

/** When the value a middleware asked for was read: beside the lock (and trusted), in the lock-and-read itself (one Redis), or again after the lock. */
export type ReadWhen = 'beside_lock' | 'in_lock' | 'after_lock';

interface Sent<T> {
  key: string;
  value: Promise<T>;
  fresh: boolean;
  /** Read by the lock-and-read itself. */
  inLock?: boolean;
}

/** Asked of the lock-and-read, not delivered yet (the lock not taken: then the middleware reads again). */
interface InLock {
  key: string;
  pending: true;
}
