/**
 * The rate-limiter port: counts hits per bucket in fixed windows, across every instance when it
 * lives in Redis. Implementations: `MemoryRateLimiter` (one process) and `RedisRateLimiter`; one
 * contract suite, test/contract/rateLimiter.test.ts, runs against both.
 */
export interface RateLimiter {
  readonly kind: 'memory' | 'redis';
  /** Counts one hit in `bucket`'s current window of `windowMs`; allowed while the window's count is at most `limit`. */
  hit(bucket: string, limit: number, windowMs: number): Promise<RateDecision>;
  close(): Promise<void>;
}

export interface RateDecision {
  allowed: boolean;
  /** Milliseconds until the bucket's window ends (when a refused caller may try again). */
  retryAfterMs: number;
}

/** A bucket name safe in a Redis key of one hash slot: no braces, bounded length. */
export function bucketKey(bucket: string): string {
  return bucket.replace(/[{}\s]/g, '_').slice(0, 200);
}

/** The limiter in one process; stale windows are swept so that many clients cannot grow it without bound. */
export class MemoryRateLimiter implements RateLimiter {
  readonly kind = 'memory' as const;
  private readonly windows = new Map<string, { count: number; endsAt: number }>();
  private lastSweep = 0;

  constructor(private readonly options: { now?: () => number; maxBuckets?: number } = {}) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  async hit(bucket: string, limit: number, windowMs: number): Promise<RateDecision> {
    const now = this.now();
    this.sweep(now);
    const key = bucketKey(bucket);
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { count: 0, endsAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return { allowed: window.count <= limit, retryAfterMs: window.endsAt - now };
  }

  private sweep(now: number): void {
    const max = this.options.maxBuckets ?? 100_000;
    if (this.windows.size < max && now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, w] of this.windows) if (w.endsAt <= now) this.windows.delete(key);
    // still full of live windows: forget the oldest (a refused client may then get a fresh window)
    for (const key of this.windows.keys()) {
      if (this.windows.size < max) break;
      this.windows.delete(key);
    }
  }

  async close(): Promise<void> {
    this.windows.clear();
  }
}
