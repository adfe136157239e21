import { expect } from 'chai';
import Redis from 'ioredis';
import { type EventBus, MemoryEventBus, RedisEventBus } from '../../src/events';
import { testRedisUrl } from '../support/hooks';
import { uniquePrefix } from '../support/testKeys';
import { testRedisCluster } from '../support/redisCluster';
import { createRedisClient } from '../../src/infra/redis';
import { createLogger } from '../../src/log';

/**
 * One contract for every event bus (memory, Redis pub/sub): a message reaches every subscriber of
 * its channel on every instance, in order, and nothing else; unsubscribing stops delivery.
 */
interface Implementation {
  name: string;
  /** Two instances on the same bus (the same object for memory). */
  make(): { a: EventBus; b: EventBus };
  /** Runs once before the implementation's tests (starts the Redis Cluster). */
  setup?(): Promise<void>;
}

const quiet = createLogger({ logLevel: 'silent', logPretty: false });
let clusterNodes: string[] = [];

const opened: EventBus[] = [];
const implementations: Implementation[] = [
  {
    name: 'MemoryEventBus',
    make() {
      const bus = new MemoryEventBus();
      opened.push(bus);
      return { a: bus, b: bus };
    },
  },
  {
    name: 'RedisEventBus',
    make() {
      const prefix = uniquePrefix('ev');
      const open = () => {
        const bus = new RedisEventBus(new Redis(testRedisUrl()), { prefix, ownsClient: true });
        opened.push(bus);
        return bus;
      };
      return { a: open(), b: open() };
    },
  },
  {
    name: 'RedisEventBus on a Redis Cluster (3 masters, 3 replicas)',
    async setup() {
      clusterNodes = (await testRedisCluster()).nodes;
    },
    make() {
      const prefix = uniquePrefix('ev');
      const open = () => {
        const bus = new RedisEventBus(createRedisClient({ redisUrl: undefined, redisClusterNodes: clusterNodes }, quiet), { prefix, ownsClient: true });
        opened.push(bus);
        return bus;
      };
      return { a: open(), b: open() };
    },
  },
];

async function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const impl of implementations) {
  describe(`EventBus contract: ${impl.name}`, () => {
    before(async function () {
      this.timeout(120_000);
      await impl.setup?.();
    });
    after(async () => {
      await Promise.all(opened.splice(0).map((b) => b.close()));
    });

    it('delivers a message to subscribers on every instance, as a copy of the JSON value', async () => {
      const { a, b } = impl.make();
      const onA: unknown[] = [];
      const onB: unknown[] = [];
      await a.subscribe('handoff', (m) => onA.push(m));
      await b.subscribe('handoff', (m) => onB.push(m));
      const sent = { type: 'queued', conversationId: 'c1', at: 5 };
      await a.publish('handoff', sent);
      await until(() => onA.length === 1 && onB.length === 1, 'both instances got it');
      expect(onA[0]).to.deep.equal(sent);
      expect(onB[0]).to.deep.equal(sent);
      expect(onB[0]).not.to.equal(sent);
    });

    it('keeps the order of one publisher and keeps channels apart', async () => {
      const { a, b } = impl.make();
      const got: unknown[] = [];
      const other: unknown[] = [];
      await b.subscribe('one', (m) => got.push(m));
      await b.subscribe('two', (m) => other.push(m));
      for (let i = 0; i < 20; i++) await a.publish('one', i);
      await until(() => got.length === 20, '20 messages');
      expect(got).to.deep.equal([...Array(20).keys()]);
      expect(other).to.deep.equal([]);
    });

    it('stops delivering after unsubscribe, and other subscribers keep theirs', async () => {
      const { a, b } = impl.make();
      const first: unknown[] = [];
      const second: unknown[] = [];
      const stop = await b.subscribe('c', (m) => first.push(m));
      await b.subscribe('c', (m) => second.push(m));
      await a.publish('c', 'x');
      await until(() => first.length === 1 && second.length === 1, 'first message');
      stop();
      await a.publish('c', 'y');
      await until(() => second.length === 2, 'second message');
      await new Promise((r) => setTimeout(r, 50));
      expect(first).to.deep.equal(['x']);
    });

    it('a throwing listener does not stop the others', async () => {
      const { a, b } = impl.make();
      const got: unknown[] = [];
      await b.subscribe('t', () => {
        throw new Error('listener broke');
      });
      await b.subscribe('t', (m) => got.push(m));
      await a.publish('t', { ok: true });
      await until(() => got.length === 1, 'the second listener got it');
    });

    it('delivers to subscribers on the publishing instance once, by the time publish resolves (no round trip through Redis)', async () => {
      const { a, b } = impl.make();
      const onA: unknown[] = [];
      const onB: unknown[] = [];
      await a.subscribe('local', (m) => onA.push(m));
      await b.subscribe('local', (m) => onB.push(m));
      const published = a.publish('local', { n: 1 });
      expect(onA, 'not during the call').to.deep.equal([]);
      await published;
      expect(onA).to.deep.equal([{ n: 1 }]);
      await until(() => onB.length === 1, 'the other instance got it');
      await new Promise((r) => setTimeout(r, 50));
      expect(onA, 'once').to.have.length(1);
    });

    it('publishing with no subscriber is fine', async () => {
      const { a } = impl.make();
      await a.publish('nobody', { x: 1 });
    });
  });
}

describe('RedisEventBus on the wire', () => {
  it('still delivers a plain JSON message (what an instance of the version before sends, during a rolling deploy)', async () => {
    const prefix = uniquePrefix('evwire');
    const bus = new RedisEventBus(new Redis(testRedisUrl()), { prefix, ownsClient: true });
    const raw = new Redis(testRedisUrl());
    try {
      const got: unknown[] = [];
      await bus.subscribe('handoff', (m) => got.push(m));
      await raw.publish(`${prefix}ev:handoff`, JSON.stringify({ type: 'queued', conversationId: 'c1' }));
      await raw.publish(`${prefix}ev:handoff`, 'not json');
      await until(() => got.length === 1, 'the plain message');
      expect(got).to.deep.equal([{ type: 'queued', conversationId: 'c1' }]);
    } finally {
      raw.disconnect();
      await bus.close();
    }
  });
});
