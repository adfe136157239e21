import { ensureWebAssets } from '../../src/web/assets';
import { startTestRedis, type TestRedis } from './redisServer';
import { stopTestRedisCluster } from './redisCluster';

/**
 * Mocha root hooks: one throwaway Redis for the whole run. Test files get its URL from
 * `testRedisUrl()` and use their own key prefixes, so they never see each other's data.
 */
let redis: TestRedis | undefined;

export function testRedisUrl(): string {
  if (!redis) throw new Error('The test Redis is not running (test/support/hooks.ts did not start it).');
  return redis.url;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(180_000);
    // the chat page's built files (dist/web), as `npm run build` makes them: only rebuilt when stale
    await ensureWebAssets();
    redis = await startTestRedis();
  },
  async afterAll() {
    await stopTestRedisCluster();
    await redis?.stop();
  },
};
