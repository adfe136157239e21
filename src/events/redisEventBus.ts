import { randomBytes } from 'node:crypto';
import { Cluster } from 'ioredis';
import { type RedisClient as Redis, duplicateClient } from '../infra/redis';
import { dispatch, type EventBus } from './eventBus';

/** An instance's mark on its messages: this many base64url characters, then a space (JSON never starts so). */
const ORIGIN_CHARS = 12;
const ORIGIN_MARK = new RegExp(`^[A-Za-z0-9_-]{${ORIGIN_CHARS}} `);

/**
 * The event bus on Redis pub/sub: `<prefix>ev:<channel>`. Publishing uses the shared client;
 * subscribing uses one extra connection per process (a subscribed connection can do nothing else),
 * opened on the first subscription. On a Redis Cluster, PUBLISH reaches every node's subscribers,
 * so the bus works there unchanged.
 *
 * Subscribers on the publishing instance get the message at once, without the round trip through
 * Redis (a Direct Line reply reaches a socket on the same instance one hop sooner); each message
 * on Redis is `<origin> <JSON>`, and an instance skips the ones it sent itself. A plain JSON
 * message (an instance of the version before, during a rolling deploy) is still delivered.
 */
export class RedisEventBus implements EventBus {
  readonly kind = 'redis' as const;
  private subscriber: Redis | undefined;
  private readonly channels = new Map<string, Set<(message: unknown) => void>>();
  /** This instance's mark on what it publishes. */
  private readonly origin = randomBytes((ORIGIN_CHARS * 3) / 4).toString('base64url');

  constructor(private readonly client: Redis, private readonly options: { prefix: string; ownsClient?: boolean }) {}

  private name(channel: string): string {
    return `${this.options.prefix}ev:${channel}`;
  }

  async publish(channel: string, message: unknown): Promise<void> {
    const name = this.name(channel);
    const json = JSON.stringify(message ?? null);
    if (this.channels.has(name)) {
      const copy = JSON.parse(json) as unknown;
      queueMicrotask(() => dispatch(this.channels.get(name), copy));
    }
    await this.publisher().publish(name, `${this.origin} ${json}`);
  }

  /**
   * Where PUBLISH goes. A Cluster client sends a keyless command to any node, and messages that
   * enter the cluster at different nodes can overtake each other; one fixed master (the first by
   * address) keeps one publisher's messages in order.
   */
  private publisher(): Redis {
    if (!(this.client instanceof Cluster)) return this.client;
    const masters = this.client.nodes('master');
    const address = (n: (typeof masters)[number]) => `${n.options.host ?? ''}:${n.options.port ?? 0}`;
    return masters.sort((x, y) => address(x).localeCompare(address(y)))[0] ?? this.client;
  }

  async subscribe(channel: string, listener: (message: unknown) => void): Promise<() => void> {
    const name = this.name(channel);
    if (!this.subscriber) {
      this.subscriber = duplicateClient(this.client);
      this.subscriber.on('error', () => undefined); // the main client reports outages
      this.subscriber.on('message', (ch: string, raw: string) => {
        const marked = ORIGIN_MARK.test(raw);
        if (marked && raw.startsWith(this.origin)) return; // sent by this instance, delivered already
        let message: unknown;
        try {
          message = JSON.parse(marked ? raw.slice(ORIGIN_CHARS + 1) : raw);
        } catch {
          return; // not ours
        }
        dispatch(this.channels.get(ch), message);
      });
    }
    let set = this.channels.get(name);
    const own = (m: unknown) => listener(m);
    if (!set) {
      this.channels.set(name, (set = new Set([own])));
      try {
        await this.subscriber.subscribe(name);
      } catch (err) {
        // Not subscribed (Redis unreachable): the next call subscribes again instead of joining a dead entry.
        if (this.channels.get(name) === set) this.channels.delete(name);
        throw err;
      }
    } else set.add(own);
    return () => {
      const current = this.channels.get(name);
      if (!current) return;
      current.delete(own);
      if (current.size === 0) {
        this.channels.delete(name);
        this.subscriber?.unsubscribe(name).catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    this.channels.clear();
    if (this.subscriber) await this.subscriber.quit().catch(() => this.subscriber?.disconnect());
    if (this.options.ownsClient) await this.client.quit().catch(() => this.client.disconnect());
  }
}
