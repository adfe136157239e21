import { expect } from 'chai';
import Redis from 'ioredis';
import { type RateLimiter, MemoryRateLimiter } from '../../src/rateLimit/rateLimiter';
import { RedisRateLimiter } from '../../src/rateLimit/redisRateLimiter';
import { testRedisUrl } from '../support/hooks';
import { uniquePrefix } from '../support/testKeys';
import { testRedisCluster } from '../support/redisCluster';
import { createRedisClient } from '../../src/infra/redis';
import { createLogger } from '../../src/log';

/** One contract for every rate limiter (embedded memory and Redis): fixed windows per bucket, shared by every instance. */
interface Implementation {
  name: string;
  /** A fresh limiter and a second instance on the same counts (the same object for memory). */
  make(): { limiter: RateLimiter; twin(): RateLimiter };
  /** Runs once before the implementation's tests (starts the Redis Cluster). */
  setup?(): Promise<void>;
}

const quiet = createLogger({ logLevel: 'silent', logPretty: false });
let clusterNodes: string[] = [];

const opened: RateLimiter[] = [];
const implementations: Implementation[] = [
  {
    name: 'MemoryRateLimiter',
    make() {
      const limiter = new MemoryRateLimiter();
      opened.push(limiter);
      return { limiter, twin: () => limiter };
    },
  },
  {
    name: 'RedisRateLimiter',
    make() {
      const prefix = uniquePrefix('rl');
      const open = () => {
        const limiter = new RedisRateLimiter(new Redis(testRedisUrl()), { prefix, ownsClient: true });
        opened.push(limiter);
        return limiter;
      };
      return { limiter: open(), twin: open };
    },
  },
  {
    name: 'RedisRateLimiter on a Redis Cluster (3 masters, 3 replicas)',
    async setup() {
      clusterNodes = (await testRedisCluster()).nodes;
    },
    make() {
      const prefix = uniquePrefix('rl');
      const open = () => {
        const limiter = new RedisRateLimiter(createRedisClient({ redisUrl: undefined, redisClusterNodes: clusterNodes }, quiet), { prefix, ownsClient: true });
        opened.push(limiter);
        return limiter;
      };
      return { limiter: open(), twin: open };
    },
  },
];

for (const impl of implementations) {
  describe(`RateLimiter contract: ${impl.name}`, () => {
    before(async function () {
      this.timeout(120_000);
      await impl.setup?.();
    });
    after(async () => {
      await Promise.all(opened.splice(0).map((l) => l.close()));
    });

    it('allows `limit` hits per window, counted over every instance, then says when to retry', async () => {
      const { limiter, twin } = impl.make();
      const other = twin();
      const decisions = [];
      for (let i = 0; i < 5; i++) decisions.push(await (i % 2 ? other : limiter).hit('conv:192.0.2.1', 3, 60_000));
      expect(decisions.map((d) => d.allowed)).to.deep.equal([true, true, true, false, false]);
      expect(decisions[4].retryAfterMs).to.be.within(1, 60_000);
    });

    it('keeps buckets apart, braces and spaces in names included', async () => {
      const { limiter } = impl.make();
      expect((await limiter.hit('a {x}', 1, 60_000)).allowed).to.equal(true);
      expect((await limiter.hit('a {x}', 1, 60_000)).allowed).to.equal(false);
      expect((await limiter.hit('b', 1, 60_000)).allowed).to.equal(true);
      expect((await limiter.hit('2001:db8:1:2::/64', 1, 60_000)).allowed).to.equal(true);
    });

    it('opens a new window when the old one is over', async () => {
      const { limiter } = impl.make();
      // A window long enough that a loaded machine makes the second hit inside it; then wait for it to end.
      expect((await limiter.hit('short', 1, 1000)).allowed).to.equal(true);
      expect((await limiter.hit('short', 1, 1000)).allowed).to.equal(false);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await limiter.hit('short', 1, 1000)).allowed).to.equal(true);
    });
  });
}

describe('MemoryRateLimiter bounds', () => {
  it('never holds more than maxBuckets windows', async () => {
    const limiter = new MemoryRateLimiter({ maxBuckets: 100 });
    for (let i = 0; i < 1000; i++) await limiter.hit(`ip:${i}`, 1, 60_000);
    expect((limiter as unknown as { windows: Map<string, unknown> }).windows.size).to.be.at.most(100);
  });
});
