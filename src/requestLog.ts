import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from './log';

/** The request's logger, made on first use: most turns log nothing, so most never pay for the child logger (or the id hash in it). */
interface RequestLogger {
  make: () => Logger;
  made?: Logger;
}

const current = new AsyncLocalStorage<RequestLogger>();

/** A logger made once, on the first call (a child logger costs its bindings' serialisation; the request id a hash). */
export function lazyLogger(make: () => Logger): () => Logger {
  let made: Logger | undefined;
  return () => (made ??= make());
}

/** Runs `work` with `log` (a child logger carrying the request id, or a function that makes it when first needed) as the request's logger. */
export function withRequestLog<T>(log: Logger | (() => Logger), work: () => Promise<T>): Promise<T> {
  return current.run(typeof log === 'function' ? { make: log } : { make: () => log, made: log }, work);
}

/** The logger of the request being processed, or `fallback` outside a request. */
export function requestLog(fallback: Logger): Logger {
  const request = current.getStore();
  if (!request) return fallback;
  return (request.made ??= request.make());
}
