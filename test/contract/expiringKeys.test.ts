import { expect } from 'chai';
import Redis from 'ioredis';
import { MemoryExpiringKeys, RedisExpiringKeys, type ExpiringKeys } from '../../src/channels/sms/expiringKeys';
import { testRedisUrl } from '../support/hooks';
import { uniquePrefix } from '../support/testKeys';
import { testRedisCluster } from '../support/redisCluster';
import { createRedisClient } from '../../src/infra/redis';
import { createLogger } from '../../src/log';

let clusterNodes: string[] = [];
const quiet = createLogger({ logLevel: 'silent', logPretty: false });

/**
 * One contract for the SMS channels' expiring keys (STOP flags, "more", short links, seen webhooks):
 * embedded memory and Redis, two handles on the same data standing for two instances.
 */
const implementations: { name: string; make(): { keys: ExpiringKeys; twin: ExpiringKeys }; setup?(): Promise<void> }[] = [
  {
    name: 'MemoryExpiringKeys',
    make() {
      const keys = new MemoryExpiringKeys();
      return { keys, twin: keys };
    },
  },
  {
    name: 'RedisExpiringKeys',
    make() {
      const prefix = uniquePrefix('keys');
      return { keys: new RedisExpiringKeys(new Redis(testRedisUrl()), prefix), twin: new RedisExpiringKeys(new Redis(testRedisUrl()), prefix) };
    },
  },
  {
    name: 'RedisExpiringKeys on a Redis Cluster (3 masters, 3 replicas)',
    async setup() {
      clusterNodes = (await testRedisCluster()).nodes;
    },
    make() {
      const prefix = uniquePrefix('keys');
      const open = () => new RedisExpiringKeys(createRedisClient({ redisUrl: undefined, redisClusterNodes: clusterNodes }, quiet), prefix);
      return { keys: open(), twin: open() };
    },
  },
];

for (const impl of implementations) {
  describe(`ExpiringKeys contract: ${impl.name}`, () => {
    let keys: ExpiringKeys;
    let twin: ExpiringKeys;
    before(async function () {
      this.timeout(60_000);
      await impl.setup?.();
    });
    beforeEach(() => ({ keys, twin } = impl.make()));
    afterEach(async () => {
      await keys.close();
      if (twin !== keys) await twin.close();
    });

    it('stores, reads several in one call (missing ones undefined) and deletes', async () => {
      await keys.set('sms:{a}:stop', '1', 0);
      await keys.set('sms:{a}:more', 'rest', 60_000);
      expect(await twin.get(['sms:{a}:stop', 'sms:{a}:more', 'sms:{a}:none'])).to.deep.equal(['1', 'rest', undefined]);
      await twin.delete(['sms:{a}:stop', 'sms:{a}:more']);
      expect(await keys.get(['sms:{a}:stop', 'sms:{a}:more'])).to.deep.equal([undefined, undefined]);
      expect(await keys.get([])).to.deep.equal([]);
    });

    it('lets exactly one of many concurrent setIfAbsent calls win, on either instance', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? keys : twin).setIfAbsent('sms:seen:x', String(i), 60_000)));
      expect(results.filter(Boolean)).to.have.length(1);
      expect(await keys.setIfAbsent('sms:seen:x', 'again', 60_000)).to.equal(false);
    });

    it('forgets a value after its retention time', async () => {
      await keys.set('sms:link:short', 'https://example.org', 30);
      expect(await keys.setIfAbsent('sms:seen:y', '1', 30)).to.equal(true);
      const deadline = Date.now() + 5000;
      // Wait for both: the second key was written a moment after the first, and on a loaded machine that moment can be longer than 30 ms.
      while ((await twin.get(['sms:link:short', 'sms:seen:y'])).some((v) => v !== undefined) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(await twin.get(['sms:link:short', 'sms:seen:y'])).to.deep.equal([undefined, undefined]);
      expect(await keys.setIfAbsent('sms:seen:y', '2', 30)).to.equal(true);
    });
  });
}
