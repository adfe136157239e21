import type { CloudAdapter } from 'botbuilder';
import type { Server } from 'restify';
import { type Config, isLocalMode } from './config';
import { createLogger, type Logger } from './log';
import { Metrics } from './metrics';
import { createI18n } from './i18n';
import { IntegrationBot } from './bot/integrationBot';
import { createAdapter } from './bot/adapter';
import { createHttpServer } from './server/httpServer';
import type { ConversationStore } from './state/conversationStore';
import { MemoryStore } from './state/memoryStore';
import { RedisStore } from './state/redisStore';
import { type RedisClient, createRedisClient, usesRedis } from './infra/redis';
import { TurnScopedStorage } from './state/turnSerializer';
import { LeanConversationState, LeanUserState } from './state/leanState';
import { loadGraph } from './paths/graph';
import { createDirectLine, directLineChannel } from './channels/directline';
import { createSms } from './channels/sms';
import type { SelfHostedChannel } from './channels/selfHosted';
import { createRecognizer } from './nlu';
import { createTeamsCaseworkers, type TeamsCaseworkerChannel } from './channels/teams/caseworker';
import { createHandoff, type Handoff } from './handoff/compose';
import { menuWord } from './handoff/router';
import { ErasureRegistry, eraseOtherConversationsState } from './erasure/registry';
import { UserConversations, rememberConversations } from './erasure/userConversations';
import { type RateLimiter, MemoryRateLimiter } from './rateLimit/rateLimiter';
import { RedisRateLimiter } from './rateLimit/redisRateLimiter';
import { ClientLimits } from './rateLimit/clientLimits';
import { EmbeddedRecognizer } from './nlu/embeddedRecognizer';
import { loadLanguageSamples } from './nlu/languageId';
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
  /** Caseworkers taking over: queue, transcript, console. */
  handoff: Handoff;
  /** The caseworkers' Teams channel (cards, claims and replies from Teams). */
  teamsCaseworkers: TeamsCaseworkerChannel;
  /** "Delete my data": the parts' erasure hooks (the handoff registers its own). */
  erasure: ErasureRegistry;
  /** Listens on config.port (0: a free port); resolves with the port. */
  listen(): Promise<number>;
  /** Stops accepting, lets turns in flight finish (up to the grace time), closes the store. */
  stop(): Promise<void>;
}

/** The state store: in Redis on `client` (which it closes) when REDIS_URL or REDIS_CLUSTER_NODES is set, else in memory. */
export function createStore(config: Config, metrics: Metrics, client: RedisClient | undefined): ConversationStore {
  const ttlMs = config.stateTtlSeconds * 1000;
  if (!client) return new MemoryStore({ ttlMs, sweepEveryMs: 60_000 });
  return new RedisStore(client, {
    prefix: config.redisKeyPrefix,
    ttlMs,
    oneNode: config.redisOneNode,
    onRoundTrip: (op, seconds) => metrics.storeLatency.observe({ store: 'redis', op }, seconds),
  });
}

/** The limiter of the unauthenticated routes: in Redis (shared by every instance) when REDIS_URL is set. */
export function createRateLimiter(config: Config, log: Logger): RateLimiter {
  if (!usesRedis(config)) return new MemoryRateLimiter();
  return new RedisRateLimiter(createRedisClient(config, log), { prefix: config.redisKeyPrefix, ownsClient: true });
}

/** Builds every part from the configuration and wires them together. */
export function createApp(config: Config, options: { log?: Logger; metrics?: Metrics } = {}): App {
  const log = options.log ?? createLogger(config);
  const metrics = options.metrics ?? new Metrics();
  // Broken paths stop start-up here, with every file, line and fix named.
  const graph = loadGraph(config.dialogsDir);
  // One client for the turn path: the state store and the handoff (its record, read beside the turn
  // lock, then goes out in the same write to the socket as the lock-and-read on a standalone Redis).
  const redis = usesRedis(config) ? createRedisClient(config, log) : undefined;
  const store = createStore(config, metrics, redis);
  const i18n = createI18n({ locales: config.enabledLocales, fallback: config.defaultLocale, dir: config.localesDir });

  // Understanding and the safety screen learn from the configured folders, so a municipality's own
  // texts and numbers (LOCALES_DIR, DIALOGS_DIR) are what the bot says and recognises.
  const bank = loadPhraseBank(config.localesDir);
  const embedded = new EmbeddedRecognizer(bank, loadLanguageSamples(config.localesDir));
  const safety = SafetyScreen.load({ localesDir: config.localesDir, dialogsDir: config.dialogsDir, bank });
  const storage = new TurnScopedStorage(store, () => metrics.stateMisses.inc());
  const recognizer = createRecognizer(config, metrics, embedded);
  // the turn's change check is its state's JSON, not botbuilder's hash of it (src/state/leanState.ts)
  const userState = new LeanUserState(storage);
  const userConversations = new UserConversations(userState, { ttlMs: config.stateTtlSeconds * 1000 });
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
  // The handoff talks to the bot and the adapter, built next (the closures run during turns only).
  const handoff = createHandoff({
    config,
    log,
    metrics,
    i18n,
    facts: graph.facts,
    redis,
    ownsRedis: false, // the state store closes it, last
    stateStoreClient: true,
    binding: {
      localeOf: (ctx) => bot.localeOf(ctx),
      profileOf: async (ctx) => {
        const { group, has_children, child_age } = (await bot.profile.get(ctx)) ?? {};
        return { group, has_children, child_age };
      },
      // In a proactive turn: the bot answers as if the user had written "menu".
      resumeBot: async (ctx) => {
        Object.assign(ctx.activity, { type: 'message', text: menuWord(i18n, await bot.localeOf(ctx)) });
        await bot.run(ctx);
      },
      continueConversation: (reference, logic) => adapter.continueConversationAsync(config.microsoftApp.appId ?? '', reference, logic),
    },
  });
  // New handoffs as cards in the caseworkers' Teams channel, claimed and answered there.
  const teamsCaseworkers = createTeamsCaseworkers({ config, log, metrics, i18n, handoff, connector: (appId, serviceUrl) => adapter.connectorClientFor(appId, serviceUrl) });
  // one event bus for the service: the handoff's events and the Direct Line log's notifications
  const directLine = createDirectLine(config, log, handoff.bus);
  const channels: SelfHostedChannel[] = [directLineChannel(directLine, config), ...(sms.bridge ? [sms.bridge] : [])];
  // "delete my data": every part that keeps something about a user registers what to erase
  const erasure = new ErasureRegistry();
  erasure.register('conversation state', eraseOtherConversationsState(store));
  erasure.register('direct line', directLine.eraseUser);
  // The asking conversation's transcript and handoff record are erased in its own turn (handoff.erase below).
  erasure.register('handoff', ({ conversationId, conversationIds }) => handoff.eraseConversations(conversationIds.filter((id) => id !== conversationId)));
  const limiter = createRateLimiter(config, log);
  const bot: IntegrationBot = new IntegrationBot({
    conversationState: new LeanConversationState(storage),
    userState,
    i18n,
    defaultLocale: config.defaultLocale,
    enabledLocales: config.enabledLocales,
    graph,
    recognizer,
    eraseUser: async (ctx) => {
      const known = await userConversations.list(ctx);
      for (const channel of channels) await channel.eraseConversation(ctx);
      await handoff.erase(ctx);
      await erasure.eraseUser({ channelId: ctx.activity.channelId, userId: ctx.activity.from?.id ?? '', conversationId: ctx.activity.conversation?.id ?? '' }, known);
    },
    requestHandoff: (ctx, asked) => handoff.request(ctx, asked),
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
    languageOf: (text) => embedded.languages.identify(text)?.code,
    ownConnector: (url) => channels.map((c) => c.connectorFor(url)).find((c) => c !== undefined),
    channelMiddleware: [sms.turns, teamsCaseworkers],
    handoff: handoff.middleware,
  });
  adapter.use(rememberConversations(userConversations));
  const http = createHttpServer({
    adapter, bot, store, metrics, log,
    maxBodyBytes: config.maxBodyBytes,
    protection: config.protection,
    localMode: isLocalMode(config),
    selfHostedChannelIds: channels.flatMap((c) => c.channelIds ?? []),
    ownsServiceUrl: (url) => channels.some((c) => c.connectorFor(url) !== undefined),
  });
  const limits = new ClientLimits(limiter, config.protection);
  for (const channel of channels) channel.register(http.server, { adapter, bot, log, metrics, upgrades: http.upgrades, limits });
  sms.register(http.server);
  handoff.register(http.server);
  const inFlight = () => http.inFlight() + channels.reduce((n, c) => n + c.inFlight(), 0);

  let stopping: Promise<void> | undefined;
  return {
    config,
    log,
    metrics,
    store,
    adapter,
    bot,
    handoff,
    teamsCaseworkers,
    erasure,
    server: http.server,
    listen: async () => {
      await teamsCaseworkers.start();
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
        await teamsCaseworkers.close();
        await handoff.close();
        await limiter.close();
        await store.close();
      })()),
  };
}
