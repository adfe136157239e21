import type { RedisClient } from '../infra/redis';
import { type RateDecision, type RateLimiter, bucketKey } from './rateLimiter';

/** Counts a hit in a fixed window. KEYS: the counter (one key, one slot). ARGV: window ms. Returns {count, ms left}. */
const HIT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if n == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}`;

interface ScriptedRedis {
  tibRateHit(numKeys: number, ...args: (string | number)[]): Promise<[number, number]>;
}

/** The limiter in Redis, shared by every instance: `<prefix>rl:{<bucket>}`, expiring with its window. */
export class RedisRateLimiter implements RateLimiter {
  readonly kind = 'redis' as const;
  private readonly client: RedisClient & ScriptedRedis;

  constructor(client: RedisClient, private readonly options: { prefix: string; ownsClient?: boolean }) {
    client.defineCommand('tibRateHit', { lua: HIT });
    this.client = client as RedisClient & ScriptedRedis;
  }

  async hit(bucket: string, limit: number, windowMs: number): Promise<RateDecision> {
    const [count, ttl] = await this.client.tibRateHit(1, `${this.options.prefix}rl:{${bucketKey(bucket)}}`, windowMs);
    return { allowed: Number(count) <= limit, retryAfterMs: Math.max(0, Number(ttl)) };
  }

  async close(): Promise<void> {
    if (this.options.ownsClient) await this.client.quit().catch(() => this.client.disconnect());
  }
}
