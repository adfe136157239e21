import type { ConnectorClient } from 'botframework-connector';
import type { i18n } from 'i18next';
import type { Config } from '../../../config';
import type { Handoff } from '../../../handoff/compose';
import { createRedisClient, usesRedis } from '../../../infra/redis';
import type { Logger } from '../../../log';
import type { Metrics } from '../../../metrics';
import { MemoryExpiringKeys, RedisExpiringKeys } from '../../sms/expiringKeys';
import { TeamsCaseworkerChannel } from './caseworkerChannel';

export { TeamsCaseworkerChannel } from './caseworkerChannel';

export interface TeamsCaseworkerParts {
  config: Config;
  log: Logger;
  metrics: Metrics;
  i18n: i18n;
  handoff: Handoff;
  /** The adapter's Bot Connector clients (bound late: the adapter is built after this). */
  connector(appId: string, serviceUrl: string): Promise<ConnectorClient>;
}

/** The caseworkers' Teams channel, its small state in Redis (`<prefix>teams:…`) or in memory. */
export function createTeamsCaseworkers(parts: TeamsCaseworkerParts): TeamsCaseworkerChannel {
  const { config, handoff } = parts;
  const keys = usesRedis(config) ? new RedisExpiringKeys(createRedisClient(config, parts.log), `${config.redisKeyPrefix}teams:`) : new MemoryExpiringKeys();
  return new TeamsCaseworkerChannel({
    keys,
    store: handoff.store,
    service: handoff.service,
    transcript: handoff.transcript,
    accounts: handoff.accounts,
    bus: handoff.bus,
    i18n: parts.i18n,
    lng: config.defaultLocale,
    publicUrl: config.handoff.publicUrl,
    configuredChannel: config.teams.caseworkerChannel,
    tenantId: config.teams.tenantId,
    appId: config.microsoftApp.appId ?? '',
    connector: parts.connector,
    failures: parts.metrics.teamsConnectorFailures,
    ttlMs: config.stateTtlSeconds * 1000,
    log: parts.log,
  });
}
