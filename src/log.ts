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

/** Candidate tokens: runs of the characters Direct Line, Teams, Emulator and SMS ids are made of. */
const TOKEN = /[A-Za-z0-9_\-:@|.+]+/g;

/** A short stable stand-in for an id in a log line, so lines about one conversation can still be matched. */
export function hashForLog(value: string): string {
  return `#${createHash('sha256').update(value).digest('hex').slice(0, 10)}`;
}

/**
 * Whether a token of 12 characters or more looks like an id rather than a word or a code name.
 * Ids carry a digit, or (random base64 without one, about 1 in 60 Direct Line ids) mix upper and
 * lower case evenly; camelCase names such as "ConnectionRefused" have few capitals and are kept.
 */
function looksLikeId(token: string): boolean {
  if (token.length < 12) return false;
  if (/\d/.test(token)) return true;
  const upper = token.replace(/[^A-Z]/g, '').length;
  const lower = token.replace(/[^a-z]/g, '').length;
  return upper >= 3 && lower >= 3 && upper >= (upper + lower) / 4;
}

/** Replaces every id-like token of 12 characters or more, and every id the caller knows, with its hash. */
export function redactIds(text: string, knownIds: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const id of knownIds) if (id && id.length >= 4) out = out.split(id).join(hashForLog(id));
  return out.replace(TOKEN, (token) => (looksLikeId(token) ? hashForLog(token) : token));
}

/**
 * An error as it may be logged at error level: name, message and stack without conversation or
 * user ids. The ids of the turn at hand are passed as knownIds, so they go whatever they look like.
 */
export function errorForLog(err: unknown, knownIds: readonly (string | undefined)[] = []): { name?: string; message: string; stack?: string } {
  if (!(err instanceof Error)) return { message: redactIds(String(err), knownIds) };
  const message = redactIds(err.message, knownIds);
  const stack = err.stack ? err.stack.split(err.message).join(message) : undefined;
  return { name: err.name, message, ...(stack ? { stack } : {}) };
}
