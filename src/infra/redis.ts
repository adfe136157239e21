import Redis, { Cluster } from 'ioredis';
import type { Logger } from '../log';

/** A Redis connection: one standalone server (or a managed one behind one address) or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/** Where the service's Redis is: `REDIS_URL` (standalone) or `REDIS_CLUSTER_NODES` (Redis Cluster). */
export interface RedisTarget {
  redisUrl: string | undefined;
  /** Cluster seed nodes, each `host:port` or a `redis://` / `rediss://` URL (its TLS and credentials apply to every node). */
  redisClusterNodes?: string[] | undefined;
}

/** Whether state lives in Redis (else: the embedded stores). */
export function usesRedis(target: RedisTarget): boolean {
  return target.redisUrl !== undefined || (target.redisClusterNodes?.length ?? 0) > 0;
}

/**
 * How long a command may keep retrying while a Cluster master fails over (its replica is
 * promoted after `cluster-node-timeout` plus an election): about 10 s, below the 15 s after which
 * Bot Framework channels give up on a turn.
 */
const FAILOVER_RETRY_MS = 200;
const FAILOVER_RETRIES = 50;

/**
 * The one Redis client factory every part uses (state, Direct Line log, handoff, rate limits…).
 * Fails fast instead of queueing forever when Redis is down, and says so once per outage.
 * Accepts the configuration, or (for older callers) a redis:// URL.
 */
export function createRedisClient(target: RedisTarget | string, log: Logger): RedisClient {
  const where: RedisTarget = typeof target === 'string' ? { redisUrl: target } : target;
  let client: RedisClient;
  if (where.redisClusterNodes && where.redisClusterNodes.length > 0) {
    const nodes = where.redisClusterNodes.map(clusterNode);
    const secure = nodes.find((n) => n.tls || n.password || n.username);
    client = new Cluster(
      nodes.map(({ host, port }) => ({ host, port })),
      {
        // Not on a Cluster: ioredis 6 groups a script defined with a variable number of keys by the
        // slot of its first argument (the key count), so scripts on different slots would land in
        // one pipeline and be refused. Commands still go out at once, each to its slot's node.
        enableAutoPipelining: false,
        retryDelayOnFailover: FAILOVER_RETRY_MS,
        retryDelayOnClusterDown: FAILOVER_RETRY_MS,
        retryDelayOnTryAgain: FAILOVER_RETRY_MS,
        maxRedirections: FAILOVER_RETRIES,
        redisOptions: {
          connectTimeout: 5000,
          maxRetriesPerRequest: 2,
          ...(secure?.username ? { username: secure.username } : {}),
          ...(secure?.password ? { password: secure.password } : {}),
          ...(secure?.tls ? { tls: {} } : {}),
        },
      },
    );
  } else if (where.redisUrl) {
    // Fails fast on a standalone Redis outage (#14): a command waits at most 1 s and is retried once on a
    // new connection, so Direct Line answers 503 and /api/messages its apology within about a second.
    // A client for blocking commands (BLPOP, XREAD BLOCK) needs commandTimeout off.
    client = new Redis(where.redisUrl, { enableAutoPipelining: true, maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 1000 });
  } else {
    throw new Error('createRedisClient: neither REDIS_URL nor REDIS_CLUSTER_NODES is set');
  }
  // Reported once per outage, not once per reconnect attempt.
  let down = false;
  client.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log.error({ err: { message: err.message } }, 'Redis unreachable; retrying in the background');
  });
  client.on('ready', () => {
    if (down) log.info('Redis reachable again');
    down = false;
  });
  return client;
}

interface NodeAddress {
  host: string;
  port: number;
  tls: boolean;
  username?: string;
  password?: string;
}

/** `host:port`, `[v6]:port` or a redis(s):// URL. */
export function clusterNode(entry: string): NodeAddress {
  const trimmed = entry.trim();
  if (/^rediss?:\/\//.test(trimmed)) {
    const url = new URL(trimmed);
    return {
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 6379),
      tls: url.protocol === 'rediss:',
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    };
  }
  const match = /^\[?([^\]\s]+?)\]?:(\d{1,5})$/.exec(trimmed);
  if (!match) throw new Error(`not host:port: ${trimmed}`);
  return { host: match[1], port: Number(match[2]), tls: false };
}

/** Another connection with the same settings (e.g. a subscriber), of the same kind. */
export function duplicateClient(client: RedisClient): RedisClient {
  return client instanceof Cluster ? client.duplicate() : client.duplicate();
}

/**
 * What decides a key's Redis Cluster slot: the text inside its first non-empty `{…}`, else the
 * whole key. Keys with the same one share a slot, so one multi-key command may take them together.
 */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return key.slice(open + 1, close);
  }
  return key;
}

/** Runs `read` once per group of keys sharing a slot (in parallel) and gives the values back in the keys' order. */
export async function perSlot<T>(keys: string[], read: (group: string[]) => Promise<T[]>): Promise<T[]> {
  const groups = new Map<string, number[]>();
  keys.forEach((key, i) => {
    const tag = hashTagOf(key);
    const group = groups.get(tag);
    if (group) group.push(i);
    else groups.set(tag, [i]);
  });
  const out = new Array<T>(keys.length);
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      const values = await read(indexes.map((i) => keys[i]));
      indexes.forEach((i, j) => (out[i] = values[j]));
    }),
  );
  return out;
}
