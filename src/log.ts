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
