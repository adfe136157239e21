import { Cluster } from 'ioredis';
import { type RedisClient as Redis, duplicateClient } from '../infra/redis';
import { dispatch, type EventBus } from './eventBus';

/**
 * The event bus on Redis pub/sub: `<prefix>ev:<channel>`. Publishing uses the shared client;
 * subscribing uses one extra connection per process (a subscribed connection can do nothing else),
 * opened on the first subscription. On a Redis Cluster, PUBLISH reaches every node's subscribers,
 * so the bus works there unchanged.
 */
export class RedisEventBus implements EventBus {
  readonly kind = 'redis' as const;
  private subscriber: Redis | undefined;
  private readonly channels = new Map<string, Set<(message: unknown) => void>>();

  constructor(private readonly client: Redis, private readonly options: { prefix: string; ownsClient?: boolean }) {}

  private name(channel: string): string {
    return `${this.options.prefix}ev:${channel}`;
  }

  async publish(channel: string, message: unknown): Promise<void> {
    await this.publisher().publish(this.name(channel), JSON.stringify(message ?? null));
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
        let message: unknown;
        try {
          message = JSON.parse(raw);
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
