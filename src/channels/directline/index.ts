import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import type { SelfHostedChannel } from '../selfHosted';
import type { ConnectorClient } from 'botframework-connector';
import type { Request, Response, Server } from 'restify';
import type { Config } from '../../config';
import type { Logger } from '../../log';
import type { Metrics } from '../../metrics';
import { createRedisClient, usesRedis } from '../../infra/redis';
import type { ClientLimits } from '../../rateLimit/clientLimits';
import type { UpgradeRoutes } from '../../server/guard';
import type { ErasureHook } from '../../erasure/registry';
import type { DirectLineLog } from './activityLog';
import type { EventBus } from '../../events';
import { CHANNEL_ID_DIRECTLINE, isValidConversationId } from './limits';
import { DirectLineChannel } from './channel';
import { CONNECTOR_PATH, SelfHostedConnector } from './connector';
import { registerConnectorRoutes } from './connectorRoutes';
import { logBotActivity } from './botReplies';
import { MemoryActivityLog } from './memoryActivityLog';
import { RedisActivityLog } from './redisActivityLog';
import { registerClientRoutes } from './routes';
import { attachStream } from './stream';
import { DirectLineTokens, randomTokenSecret } from './tokens';
import { registerTokenSource } from './tokenEndpoint';
import { pageLocales, registerWebPage } from './webPage';
import { warmUpChannel } from './warmUp';


export interface DirectLine {
  /** The log of every conversation of the channel (memory or Redis). */
  log: DirectLineLog;
  tokens: DirectLineTokens;
  connector: SelfHostedConnector;
  /** The ConnectorClient for the channel's own serviceUrls (for the adapter's proactive turns). */
  connectorFor(serviceUrl: string): ConnectorClient | undefined;
  /** Turns of this channel being processed right now (graceful shutdown waits for them). */
  inFlight(): number;
  /** Turn counter shared with the channel. */
  readonly turns: { inFlight: number };
  /** "Delete my data" for this channel: everything of the user's other conversations (the asking one's messages: eraseConversation). */
  eraseUser: ErasureHook;
  /** Something to stop before the log closes (open WebSockets). */
  onClose(stop: () => void): void;
  close(): Promise<void>;
}

/** The log on Redis when the service uses Redis, else in memory; its notifications go on `bus`. */
export function createDirectLineLog(config: Config, log: Logger, bus: EventBus): DirectLineLog {
  const ttlMs = config.stateTtlSeconds * 1000;
  if (!usesRedis(config)) return new MemoryActivityLog({ ttlMs, bus });
  return new RedisActivityLog(createRedisClient(config, log), { prefix: config.redisKeyPrefix, ttlMs, bus });
}

/**
 * The self-hosted Direct Line channel's parts that exist before the adapter (see registerDirectLine).
 * `bus` is the service's event bus (closed by its owner, after this channel).
 */
export function createDirectLine(config: Config, logger: Logger, bus: EventBus): DirectLine {
  let secret = config.directLine.tokenSecret;
  if (!secret) {
    secret = randomTokenSecret();
    logger.warn('DIRECTLINE_TOKEN_SECRET is not set: signing web chat tokens with a random secret for this process only (tokens die with a restart; several instances would not accept each other\'s tokens)');
  }
  const tokens = new DirectLineTokens(secret);
  const store = createDirectLineLog(config, logger, bus);
  const botId = config.microsoftApp.appId ?? 'bot';
  const connector = new SelfHostedConnector(tokens, {
    serviceUrl: config.directLine.serviceUrl,
    appId: config.microsoftApp.appId,
    deliver: (conversationId, activity, replyToId) => logBotActivity(store, botId, conversationId, activity, replyToId),
  });
  const stops: (() => void)[] = [];
  const turns = { inFlight: 0 };
  return {
    turns,
    inFlight: () => turns.inFlight,
    log: store,
    tokens,
    connector,
    connectorFor: (url) => connector.clientFor(url),
    eraseUser: async ({ channelId, conversationId, conversationIds }) => {
      if (channelId !== CHANNEL_ID_DIRECTLINE) return;
      // the asking conversation stays usable (the confirmation and later messages still arrive); the others go
      await Promise.all(conversationIds.filter((id) => id !== conversationId && isValidConversationId(id)).map((id) => store.forget(id)));
    },
    onClose: (stop) => stops.push(stop),
    close: async () => {
      for (const stop of stops) stop();
      await store.close();
    },
  };
}

export interface DirectLineDeps {
  directLine: DirectLine;
  adapter: CloudAdapter;
  bot: ActivityHandler;
  config: Config;
  log: Logger;
  metrics: Metrics;
  /** The server's guarded WebSocket upgrades (the stream registers there). */
  upgrades: UpgradeRoutes;
  /** Per-client limits of the routes that create conversations and tokens. */
  limits: ClientLimits;
}

const OWN_PATHS = /^\/(v3\/directline|api\/directline|directline\/)/;

/**
 * Registers the web chat page, the token source, Direct Line 3.0 and its connector endpoints;
 * returns the warm-up to run before the service listens (warmUp.ts).
 */
export function registerDirectLine(server: Server, deps: DirectLineDeps): { warmUp(): Promise<{ turns: number; ms: number }> } {
  const { directLine, config, log } = deps;
  const botId = config.microsoftApp.appId ?? 'bot';
  const channel = new DirectLineChannel({
    log: directLine.log,
    tokens: directLine.tokens,
    connector: directLine.connector,
    adapter: deps.adapter,
    bot: deps.bot,
    logger: log,
    metrics: deps.metrics,
    postsPerMinute: config.directLine.postsPerMinute,
    renewGraceSeconds: config.stateTtlSeconds,
    botId,
    turns: directLine.turns,
  });
  registerClientRoutes(server, channel, directLine.connector, log, deps.limits);
  registerConnectorRoutes(server, directLine.tokens, directLine.log, botId, log);
  registerTokenSource(server, channel, { azureSecret: config.directLine.azureSecret, azureUrl: config.directLine.azureUrl }, log, deps.limits);
  registerWebPage(server, { enabledLocales: config.enabledLocales, azureUrl: config.directLine.azureSecret ? config.directLine.azureUrl : undefined }, log);
  directLine.onClose(attachStream(deps.upgrades, channel, log).close);

  // restify's own refusals (body too large, bad JSON, no route) in Direct Line's error shape
  for (const name of ['PayloadTooLarge', 'InvalidContent', 'BadRequest', 'UnsupportedMediaType', 'NotFound', 'MethodNotAllowed']) {
    server.on(name, (req: Request, _res: Response, err: Error & { body?: { code?: string; message?: string }; toJSON?: () => unknown }, callback: () => void) => {
      if (OWN_PATHS.test(req.path())) {
        const code = err.body?.code ?? name;
        const message = err.body?.message ?? err.message;
        err.toJSON = () => ({ error: { code, message } });
      }
      callback();
    });
  }

  return {
    warmUp: () =>
      warmUpChannel(channel, directLine.log, {
        languages: pageLocales(config.enabledLocales),
        turnsPerLanguage: config.warmUpTurns,
        serviceUrl: config.directLine.serviceUrl ?? `http://127.0.0.1${CONNECTOR_PATH}`,
      }),
  };
}

/** Direct Line as one of the service's self-hosted channels (see src/channels/selfHosted.ts). */
export function directLineChannel(directLine: DirectLine, config: Config): SelfHostedChannel {
  let warmUp: (() => Promise<{ turns: number; ms: number }>) | undefined;
  return {
    name: 'directline',
    channelIds: [CHANNEL_ID_DIRECTLINE],
    connectorFor: directLine.connectorFor,
    register: (server, deps) => {
      ({ warmUp } = registerDirectLine(server, { directLine, config, ...deps }));
    },
    warmUp: async () => (warmUp ? warmUp() : { turns: 0, ms: 0 }),
    eraseConversation: async (ctx) => {
      if (ctx.activity.channelId === CHANNEL_ID_DIRECTLINE && ctx.activity.conversation?.id) await directLine.log.eraseHistory(ctx.activity.conversation.id);
    },
    inFlight: directLine.inFlight,
    close: directLine.close,
  };
}
