import type { TurnContext } from 'botbuilder';
import type { i18n } from 'i18next';
import type { Server } from 'restify';
import type { Config } from '../../config';
import type { Logger } from '../../log';
import type { Metrics } from '../../metrics';
import type { Recognizer } from '../../nlu';
import { createRedisClient, usesRedis } from '../../infra/redis';
import type { SelfHostedChannel } from '../selfHosted';
import { createTwilioBridge } from '../twilio';
import { MemoryExpiringKeys, RedisExpiringKeys, type ExpiringKeys } from './expiringKeys';
import { NumberHash } from './numberHash';
import { ShortLinks, registerShortLinks } from './shortLinks';
import { SmsTurns } from './smsTurns';

export interface Sms {
  /** The SMS turn middleware (Azure's SMS channel and the bridge alike). */
  turns: SmsTurns;
  /** The Twilio bridge, when TWILIO_* is configured. */
  bridge: SelfHostedChannel | undefined;
  register(server: Server): void;
  close(): Promise<void>;
}

export interface SmsDeps {
  config: Config;
  i18n: i18n;
  log: Logger;
  metrics: Metrics;
  recognizer?: Recognizer;
  localeOf(context: TurnContext): Promise<string>;
  chosenLocale(context: TurnContext): Promise<string | undefined>;
}

export function createExpiringKeys(config: Config, log: Logger): ExpiringKeys {
  if (!usesRedis(config)) return new MemoryExpiringKeys();
  return new RedisExpiringKeys(createRedisClient(config, log), config.redisKeyPrefix);
}

/** Everything SMS: the turn middleware, short links and (when configured) the Twilio bridge. */
export function createSms(deps: SmsDeps): Sms {
  const { config, log } = deps;
  const { sms } = config;
  let secret = sms.hashSecret ?? (sms.twilio ? `twilio\n${sms.twilio.authToken}` : undefined);
  if (!secret) {
    // Stable on every instance (STOP must hold everywhere), but not secret: say so.
    secret = `unkeyed\n${config.redisKeyPrefix}`;
    log.debug('SMS_HASH_SECRET is not set: SMS numbers are hashed without a secret key (set it when Azure\'s SMS channel is used)');
  }
  const hash = new NumberHash(secret);
  const keys = createExpiringKeys(config, log);
  const retentionMs = config.stateTtlSeconds * 1000;
  const links = sms.publicUrl ? new ShortLinks(keys, sms.publicUrl, retentionMs, hash) : undefined;
  const turns = new SmsTurns({
    i18n: deps.i18n,
    enabledLocales: config.enabledLocales,
    defaultLocale: config.defaultLocale,
    keys,
    hash,
    links,
    maxSegments: sms.maxSegments,
    retentionMs,
    localeOf: deps.localeOf,
    chosenLocale: deps.chosenLocale,
    recognizer: deps.recognizer,
    metrics: deps.metrics,
    log,
  });
  const bridge = sms.twilio ? createTwilioBridge({ config, twilio: sms.twilio, publicUrl: sms.publicUrl!, keys, hash, metrics: deps.metrics, log }) : undefined;
  return {
    turns,
    bridge,
    register: (server) => {
      if (links) registerShortLinks(server, links, log);
    },
    close: () => keys.close(),
  };
}
