import { createHash } from 'node:crypto';
import pino, { type Logger } from 'pino';
import type { Config } from './config';

export type { Logger };

/**
 * One structured logger for the process. Messages from users are personal data: nothing logged
 * at info level may contain message text, names or phone numbers; such detail goes to debug at most.
 */
export function createLogger(config: Pick<Config, 'logLevel' | 'logPretty'>): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    base: { service: 'tonder-integration-bot' },
    redact: { paths: ['text', '*.text', 'from.name', '*.from.name', 'phone', '*.phone'], censor: '[personal data]' },
  };
  if (config.logPretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } });
  }
  return pino(options);
}

/** Conversation and user ids: long tokens with a digit in them (Direct Line, Teams, Emulator ids alike). */
const ID_LIKE = /[A-Za-z0-9_\-:@|.]*\d[A-Za-z0-9_\-:@|.]*/g;

/** A short stable stand-in for an id in a log line, so lines about one conversation can still be matched. */
export function hashForLog(value: string): string {
  return `#${createHash('sha256').update(value).digest('hex').slice(0, 10)}`;
}

/** Replaces every id-like token of 12 characters or more with its hash. */
export function redactIds(text: string): string {
  return text.replace(ID_LIKE, (token) => (token.length >= 12 ? hashForLog(token) : token));
}

/** An error as it may be logged at error level: name, message and stack without conversation or user ids. */
export function errorForLog(err: unknown): { name?: string; message: string; stack?: string } {
  if (!(err instanceof Error)) return { message: redactIds(String(err)) };
  const message = redactIds(err.message);
  const stack = err.stack ? err.stack.split(err.message).join(message) : undefined;
  return { name: err.name, message, ...(stack ? { stack } : {}) };
}
