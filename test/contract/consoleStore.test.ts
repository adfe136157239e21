import { expect } from 'chai';
import Redis from 'ioredis';
import { Accounts } from '../../src/handoff/console/accounts';
import { type ConsoleStore, MemoryConsoleStore, RedisConsoleStore } from '../../src/handoff/console/consoleStore';
import { createRedisClient, type RedisClient } from '../../src/infra/redis';
import { createLogger } from '../../src/log';
import { testRedisUrl } from '../support/hooks';
import { testRedisCluster } from '../support/redisCluster';
import { uniquePrefix } from '../support/testKeys';

let clusterNodes: string[] = [];
const quiet = createLogger({ logLevel: 'silent', logPretty: false });

/**
 * One contract for the console store's accounts and how an identity finds its account (OpenID
 * Connect subject, Teams user): memory and Redis (single and Cluster), two handles on the same
 * data standing for two instances.
 */
const implementations: { name: string; make(): { store: ConsoleStore; twin: ConsoleStore; clients: RedisClient[] }; setup?(): Promise<void> }[] = [
  {
    name: 'MemoryConsoleStore',
    make() {
      const store = new MemoryConsoleStore();
      return { store, twin: store, clients: [] };
    },
  },
  {
    name: 'RedisConsoleStore',
    make() {
      const prefix = uniquePrefix('console');
      const clients = [new Redis(testRedisUrl()), new Redis(testRedisUrl())];
      return { store: new RedisConsoleStore(clients[0], prefix), twin: new RedisConsoleStore(clients[1], prefix), clients };
    },
  },
  {
    name: 'RedisConsoleStore on a Redis Cluster (3 masters, 3 replicas)',
    async setup() {
      clusterNodes = (await testRedisCluster()).nodes;
    },
    make() {
      const prefix = uniquePrefix('console');
      const clients = [0, 1].map(() => createRedisClient({ redisUrl: undefined, redisClusterNodes: clusterNodes }, quiet));
      return { store: new RedisConsoleStore(clients[0], prefix), twin: new RedisConsoleStore(clients[1], prefix), clients };
    },
  },
];

const GUID = '6b8c2f0e-2222-4a4a-9c9c-0000000000aa';

for (const impl of implementations) {
  describe(`ConsoleStore contract (accounts): ${impl.name}`, () => {
    let store: ConsoleStore;
    let twin: ConsoleStore;
    let clients: RedisClient[];
    before(async function () {
      this.timeout(60_000);
      await impl.setup?.();
    });
    beforeEach(() => ({ store, twin, clients } = impl.make()));
    afterEach(async () => {
      await store.close();
      await twin.close();
      for (const c of clients) await c.quit().catch(() => c.disconnect());
    });

    it('finds an account by its Teams user on the other instance, case-insensitively, and keeps the account\'s password', async () => {
      const accounts = new Accounts(store);
      await accounts.add('anna', 'correct horse battery staple');
      await accounts.linkTeams('anna', GUID.toUpperCase());
      const found = await new Accounts(twin).findByTeamsAadId(GUID);
      expect(found).to.include({ user: 'anna', role: 'caseworker', teamsAadId: GUID });
      expect(await new Accounts(twin).verify('anna', 'correct horse battery staple')).to.not.equal(undefined);
      expect(await new Accounts(twin).findByTeamsAadId('6b8c2f0e-2222-4a4a-9c9c-0000000000bb')).to.equal(undefined);
      expect(await new Accounts(twin).findByTeamsAadId(undefined)).to.equal(undefined);
    });

    it('links a Teams user to one account: linked to another, it leaves the first', async () => {
      const accounts = new Accounts(store);
      await accounts.linkTeams('anna', GUID);
      await accounts.linkTeams('bo', GUID);
      expect((await twin.findAccountByTeamsAadId(GUID))?.user).to.equal('bo');
      expect((await twin.getAccount('anna'))?.teamsAadId).to.equal(undefined);
    });

    it('finds an OpenID Connect account by its subject', async () => {
      await new Accounts(store).addOidc('carl', GUID);
      expect((await twin.findAccountByOidcSubject(GUID))?.user).to.equal('carl');
      expect(await twin.findAccountByOidcSubject('someone-else')).to.equal(undefined);
    });
  });
}
