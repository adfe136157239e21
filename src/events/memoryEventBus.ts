import { dispatch, type EventBus } from './eventBus';

/** The event bus inside one process (no Redis): delivered once the publisher's synchronous code is done (a microtask), never during publish(). */
export class MemoryEventBus implements EventBus {
  readonly kind = 'memory' as const;
  private readonly channels = new Map<string, Set<(message: unknown) => void>>();

  async publish(channel: string, message: unknown): Promise<void> {
    const copy = JSON.parse(JSON.stringify(message ?? null)) as unknown;
    const listeners = this.channels.get(channel);
    if (listeners && listeners.size > 0) queueMicrotask(() => dispatch(this.channels.get(channel), copy));
  }

  async subscribe(channel: string, listener: (message: unknown) => void): Promise<() => void> {
    let set = this.channels.get(channel);
    if (!set) this.channels.set(channel, (set = new Set()));
    const own = (m: unknown) => listener(m);
    set.add(own);
    return () => {
      const current = this.channels.get(channel);
      current?.delete(own);
      if (current?.size === 0) this.channels.delete(channel);
    };
  }

  async close(): Promise<void> {
    this.channels.clear();
  }
}
