import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from './log';

const current = new AsyncLocalStorage<Logger>();

/** Runs `work` with `log` (a child logger carrying the request id) as the request's logger. */
export function withRequestLog<T>(log: Logger, work: () => Promise<T>): Promise<T> {
  return current.run(log, work);
}

/** The logger of the request being processed, or `fallback` outside a request. */
export function requestLog(fallback: Logger): Logger {
  return current.getStore() ?? fallback;
}
