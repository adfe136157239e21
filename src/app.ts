import { ConversationState, UserState, type CloudAdapter } from 'botbuilder';
import type { Server } from 'restify';
import type { Config } from './config';
import { createLogger, type Logger } from './log';
import { Metrics } from './metrics';
import { createI18n } from './i18n';
import { IntegrationBot } from './bot/integrationBot';
import { createAdapter } from './bot/adapter';
import { createHttpServer } from './server/httpServer';
import type { ConversationStore } from './state/conversationStore';
import { MemoryStore } from './state/memoryStore';
import { RedisStore } from './state/redisStore';
import { createRedisClient, usesRedis } from './infra/redis';
import { TurnScopedStorage } from './state/turnSerializer';
import { loadGraph } from './paths/graph';
import { createDirectLine, directLineChannel } from './channels/directline';
import { createSms } from './channels/sms';
import type { SelfHostedChannel } from './channels/selfHosted';
import { createRecognizer } from './nlu';
import { EmbeddedRecognizer } from './nlu/embeddedRecognizer';
import { loadPhraseBank } from './nlu/phrases';
import { SafetyScreen } from './nlu/safety';

export interface App {
  config: Config;
  log: Logger;
  metrics: Metrics;
  store: ConversationStore;
  adapter: CloudAdapter;
  bot: IntegrationBot;
  server: Server;
  /** Listens on config.port (0: a free port); resolves with the port. */
  listen(): Promise<number>;
  /** Stops accepting, lets turns in flight finish (up to the grace time), closes the store. */
  stop(): Promise<void>;
}

export function createStore(config: Config, metrics: Metrics, log: Logger): ConversationStore {
  const ttlMs = config.stateTtlSeconds * 1000;
  if (!usesRedis(config)) return new MemoryStore({ ttlMs, sweepEveryMs: 60_000 });
  return new RedisStore(createRedisClient(config, log), {
    prefix: config.redisKeyPrefix,
    ttlMs,
    onRoundTrip: (op, seconds) => metrics.storeLatency.observe({ store: 'redis', op }, seconds),
  });
}

/** Builds every part from the configuration and wires them together. */
export function createApp(config: Config, options: { log?: Logger; metrics?: Metrics } = {}): App {
  const log = options.log ?? createLogger(config);
  const metrics = options.metrics ?? new Metrics();
  // Broken paths stop start-up here, with every file, line and fix named.
  const graph = loadGraph(config.dialogsDir);
  const store = createStore(config, metrics, log);
  const i18n = createI18n({ locales: config.enabledLocales, fallback: config.defaultLocale, dir: config.localesDir });

  // Understanding and the safety screen learn from the configured folders, so a municipality's own
  // texts and numbers (LOCALES_DIR, DIALOGS_DIR) are what the bot says and recognises.
  const bank = loadPhraseBank(config.localesDir);
  const embedded = new EmbeddedRecognizer(bank);
  const safety = SafetyScreen.load({ localesDir: config.localesDir, dialogsDir: config.dialogsDir, bank });
  const storage = new TurnScopedStorage(store, () => metrics.stateMisses.inc());
  const recognizer = createRecognizer(config, metrics, embedded);
  // SMS reads the user's language through the bot, built next (the closures run during turns only).
  const sms = createSms({
    config,
    i18n,
    log,
    metrics,
    recognizer,
    localeOf: (ctx) => bot.localeOf(ctx),
    chosenLocale: async (ctx) => (await bot.profile.get(ctx))?.locale,
  });
  const channels: SelfHostedChannel[] = [directLineChannel(createDirectLine(config, log), config), ...(sms.bridge ? [sms.bridge] : [])];
  const bot: IntegrationBot = new IntegrationBot({
    conversationState: new ConversationState(storage),
    userState: new UserState(storage),
    i18n,
    defaultLocale: config.defaultLocale,
    enabledLocales: config.enabledLocales,
    graph,
    recognizer,
    eraseChannelHistory: async (ctx) => {
      for (const channel of channels) await channel.eraseConversation(ctx);
    },
  });
  const adapter = createAdapter({
    config,
    store,
    i18n,
    log,
    metrics,
    safety,
    safetyChecks: bot.safetyChecks,
    localeOf: (ctx) => bot.localeOf(ctx),
    ownConnector: (url) => channels.map((c) => c.connectorFor(url)).find((c) => c !== undefined),
    channelMiddleware: [sms.turns],
  });
  const http = createHttpServer({ adapter, bot, store, metrics, log, maxBodyBytes: config.maxBodyBytes });
  for (const channel of channels) channel.register(http.server, { adapter, bot, log, metrics });
  sms.register(http.server);
  const inFlight = () => http.inFlight() + channels.reduce((n, c) => n + c.inFlight(), 0);

  let stopping: Promise<void> | undefined;
  return {
    config,
    log,
    metrics,
    store,
    adapter,
    bot,
    server: http.server,
    listen: async () => {
      // Warm first, then listen: no request (readiness probe included) reaches a cold process.
      if (config.warmUpTurns > 0) {
        try {
          for (const channel of channels) {
            if (channel.warmUp) log.info({ channel: channel.name, ...(await channel.warmUp()) }, 'warmed up');
          }
        } catch (err) {
          log.warn({ err }, 'warm-up failed; listening anyway');
        }
      }
      return new Promise<number>((resolve, reject) => {
        http.server.once('error', reject);
        http.server.listen(config.port, config.host, () => {
          http.server.off('error', reject);
          resolve(http.server.address().port);
        });
      });
    },
    stop: () =>
      (stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => http.server.close(() => resolve()));
        const deadline = Date.now() + config.shutdownGraceMs;
        while (inFlight() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        if (inFlight() > 0) log.warn({ inFlight: inFlight() }, 'shutdown grace time over; turns still in flight');
        await Promise.race([closed, new Promise((r) => setTimeout(r, 100))]);
        for (const channel of channels) await channel.close();
        await sms.close();
        await store.close();
      })()),
  };
}
