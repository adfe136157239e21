/**
 * The event-bus port: every signal that must reach other instances (a new Direct Line activity, a
 * handoff queued, a caseworker's reply) goes through it. Messages are JSON values; delivery is
 * at most once and only to subscribers connected at the time (pub/sub), so anything that must not
 * be lost is stored first and the event only says "look again".
 */
export interface EventBus {
  readonly kind: 'memory' | 'redis';
  /**
   * Sends `message` to every current subscriber of `channel`, on every instance, once each. Those on
   * this instance have it by the time the returned promise resolves (never during the call itself).
   */
  publish(channel: string, message: unknown): Promise<void>;
  /** Calls `listener` for each message on `channel` until the returned function is called. Resolves once subscribed. */
  subscribe(channel: string, listener: (message: unknown) => void): Promise<() => void>;
  close(): Promise<void>;
}

/** Calls every listener of a channel; one listener's error never stops the others. */
export function dispatch(listeners: Iterable<(message: unknown) => void> | undefined, message: unknown): void {
  for (const listener of [...(listeners ?? [])]) {
    try {
      listener(message);
    } catch {
      // a listener's own problem; the bus carries on
    }
  }
}
