import { type RedisClient, perSlot } from '../../infra/redis';

/**
 * The SMS channels' small shared state: STOP flags, the rest of a long reply, short links, seen
 * webhook ids and the bridge's number of each conversation. Every value is a string with its own
 * retention time. Implementations: memory (one process) and Redis (any number of instances); one
 * contract suite, test/contract/expiringKeys.test.ts, runs against both.
 */
export interface ExpiringKeys {
  /** Stores `value` for `ttlMs` (0: kept until deleted). */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Stores `value` only if `key` holds nothing; true when it did (one winner across instances). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** The values of `keys`, in one round trip (keys of one conversation share a hash slot). */
  get(keys: string[]): Promise<(string | undefined)[]>;
  delete(keys: string[]): Promise<void>;
  close(): Promise<void>;
}

export class MemoryExpiringKeys implements ExpiringKeys {
  private readonly items = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now, private readonly maxItems = 100_000) {}

  private live(key: string): string | undefined {
    const item = this.items.get(key);
    if (!item) return undefined;
    if (item.expiresAt !== 0 && item.expiresAt <= this.now()) {
      this.items.delete(key);
      return undefined;
    }
    return item.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    if (this.items.size >= this.maxItems && !this.items.has(key)) this.sweep();
    this.items.delete(key);
    this.items.set(key, { value, expiresAt: ttlMs > 0 ? this.now() + ttlMs : 0 });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key) !== undefined) return false;
    await this.set(key, value, ttlMs);
    return true;
  }

  async get(keys: string[]): Promise<(string | undefined)[]> {
    return keys.map((k) => this.live(k));
  }

  async delete(keys: string[]): Promise<void> {
    for (const k of keys) this.items.delete(k);
  }

  async close(): Promise<void> {}

  /** Drops expired items, then the oldest ones while still full (memory is bounded). */
  private sweep(): void {
    for (const key of [...this.items.keys()]) this.live(key);
    while (this.items.size >= this.maxItems) this.items.delete(this.items.keys().next().value as string);
  }
}

export class RedisExpiringKeys implements ExpiringKeys {
  constructor(private readonly redis: RedisClient, private readonly prefix: string) {}

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    if (ttlMs > 0) await this.redis.set(this.prefix + key, value, 'PX', ttlMs);
    else await this.redis.set(this.prefix + key, value);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const done = ttlMs > 0 ? await this.redis.set(this.prefix + key, value, 'PX', ttlMs, 'NX') : await this.redis.set(this.prefix + key, value, 'NX');
    return done === 'OK';
  }

  async get(keys: string[]): Promise<(string | undefined)[]> {
    if (keys.length === 0) return [];
    // One MGET per hash slot: on a Redis Cluster a command may not span slots.
    const values = await perSlot(keys.map((k) => this.prefix + k), (group) => this.redis.mget(...group));
    return values.map((v) => v ?? undefined);
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length > 0) await perSlot(keys.map((k) => this.prefix + k), async (group) => [await this.redis.del(...group)]);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
