import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config';
import { clusterNode, usesRedis } from '../../src/infra/redis';

describe('Redis configuration: REDIS_URL or REDIS_CLUSTER_NODES', () => {
  it('reads cluster seed nodes, and then uses Redis without REDIS_URL', () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: ' 10.0.0.1:7000, redis-1:7001 ,rediss://:secret@cache.example:10000' });
    expect(config.redisClusterNodes).to.deep.equal(['10.0.0.1:7000', 'redis-1:7001', 'rediss://:secret@cache.example:10000']);
    expect(config.redisUrl).to.equal(undefined);
    expect(usesRedis(config)).to.equal(true);
    expect(usesRedis(loadConfig({}))).to.equal(false);
    expect(loadConfig({}).redisClusterNodes).to.equal(undefined);
  });

  it('has a short renewed lock lease and a dedup window by default', () => {
    const config = loadConfig({});
    expect(config.turnLockLeaseMs).to.equal(3000);
    expect(config.turnLockTtlMs).to.equal(30_000);
    expect(config.turnDedupSeconds).to.equal(300);
  });

  for (const [env, message] of [
    [{ REDIS_CLUSTER_NODES: 'redis-1' }, 'REDIS_CLUSTER_NODES must be a comma-separated list of host:port'],
    [{ REDIS_CLUSTER_NODES: 'a:1', REDIS_URL: 'redis://b:2' }, 'REDIS_URL must be unset when REDIS_CLUSTER_NODES is set'],
    [{ TURN_LOCK_LEASE_MS: '10' }, 'TURN_LOCK_LEASE_MS must be a whole number from 300'],
  ] as const) {
    it(`refuses ${JSON.stringify(env)} with "${message}…"`, () => {
      expect(() => loadConfig(env)).to.throw(ConfigError, message);
    });
  }

  it('parses host:port, [v6]:port and URLs with TLS and credentials', () => {
    expect(clusterNode('redis-1:7001')).to.deep.equal({ host: 'redis-1', port: 7001, tls: false });
    expect(clusterNode('[::1]:7002')).to.deep.equal({ host: '::1', port: 7002, tls: false });
    expect(clusterNode('rediss://user:p%40ss@cache.example:10000')).to.deep.equal({ host: 'cache.example', port: 10000, tls: true, username: 'user', password: 'p@ss' });
  });
});
