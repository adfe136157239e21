import type { Counter } from 'prom-client';

export interface RetryOptions {
  /** Tries in all (the first and the retries). */
  attempts: number;
  /** The first wait when the service sends no Retry-After; doubled each time. */
  baseDelayMs: number;
  /** The longest wait, whatever Retry-After says. */
  maxDelayMs: number;
  /** Counts each retry by operation and HTTP status. */
  retries?: Counter<'operation' | 'status'>;
  sleep?: (ms: number) => Promise<void>;
}

/** The HTTP status of a failed Bot Connector call (botframework-connector's RestError), if any. */
export function statusOf(err: unknown): number | undefined {
  const e = err as { statusCode?: unknown; response?: { status?: unknown } } | undefined;
  const status = e?.statusCode ?? e?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Retry-After of a failed call in milliseconds (seconds or an HTTP date), if the service sent one. */
export function retryAfterMs(err: unknown, now = Date.now()): number | undefined {
  const headers = (err as { response?: { headers?: { get?(name: string): string | undefined } } } | undefined)?.response?.headers;
  const raw = typeof headers?.get === 'function' ? headers.get('retry-after') : undefined;
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw.trim())) return Number(raw) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Whether a failure is worth another try: throttled (429) or the service's own trouble (5xx). */
export function isTransient(err: unknown): boolean {
  const status = statusOf(err);
  return status === 429 || (status !== undefined && status >= 500);
}

/**
 * Runs a Bot Connector call, again after a transient failure (429, 5xx) with exponential backoff,
 * waiting what Retry-After asks (up to `maxDelayMs`). Teams throttles per bot and thread, so a
 * burst of cards or relayed messages meets 429 now and then.
 */
export async function withConnectorRetry<T>(operation: string, call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= options.attempts || !isTransient(err)) throw err;
      options.retries?.inc({ operation, status: String(statusOf(err)) });
      const backoff = options.baseDelayMs * 2 ** (attempt - 1);
      await sleep(Math.min(options.maxDelayMs, retryAfterMs(err) ?? backoff));
    }
  }
}
