import type { ConversationReference, Middleware, TurnContext } from 'botbuilder';
import type { i18n } from 'i18next';
import type { RedisClient as Redis } from '../infra/redis';
import type { Server } from 'restify';
import type { Config } from '../config';
import type { EventBus } from '../events';
import { MemoryEventBus, RedisEventBus } from '../events';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { Fact } from '../paths/types';
import { Accounts } from './console/accounts';
import { type ConsoleStore, MemoryConsoleStore, RedisConsoleStore } from './console/consoleStore';
import { registerConsole } from './console/routes';
import { OidcSignIn } from './console/oidc';
import { HandoffMetrics } from './metrics';
import { MemoryHandoffStore } from './memoryHandoffStore';
import { OfficeHours } from './officeHours';
import { RedisHandoffStore } from './redisHandoffStore';
import { HandoffRouter } from './router';
import type { ReadBesideLock } from '../state/readBesideLock';
import { type HandoffAsk, HandoffService } from './service';
import { MemoryTranscriptStore, RedisTranscriptStore, type TranscriptStore } from './transcript';
import { TranscriptRecorder } from './transcriptRecorder';
import type { HandoffProfile, HandoffStore } from './types';

/** What the handoff needs from the bot, bound late (the bot and the adapter are built after the handoff). */
export interface HandoffBinding {
  localeOf(context: TurnContext): Promise<string>;
  profileOf(context: TurnContext): Promise<HandoffProfile>;
  resumeBot(context: TurnContext): Promise<void>;
  continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void>;
}

export interface Handoff {
  store: HandoffStore;
  transcript: TranscriptStore;
  bus: EventBus;
  service: HandoffService;
  accounts: Accounts;
  consoleStore: ConsoleStore;
  /** The adapter's middleware (see createAdapter). */
  middleware: { recorder: Middleware; router: Middleware; afterAlarm(context: TurnContext, language: string): Promise<void>; besideLock: ReadBesideLock<unknown>[] };
  /** The one function every trigger uses to ask for a person. */
  request(context: TurnContext, ask: HandoffAsk): Promise<boolean>;
  /** "Delete my data": the transcript, the handoff record and its notes. */
  erase(context: TurnContext): Promise<void>;
  /** Erases other conversations' transcripts and handoff records ("delete my data" asked elsewhere). */
  eraseConversations(conversationIds: string[]): Promise<void>;
  /** The console page and its API. */
  register(server: Server): void;
  close(): Promise<void>;
}

export interface HandoffParts {
  config: Config;
  log: Logger;
  metrics: Metrics;
  i18n: i18n;
  facts: Map<string, Fact>;
  /** The shared Redis client (undefined: everything in memory, one instance only). */
  redis: Redis | undefined;
  /** Whether closing the handoff closes `redis` (default true; false when another part shares and closes it). */
  ownsRedis?: boolean;
  /** `redis` is the turn state store's own client: with REDIS_ONE_NODE a turn's transcript append then goes out beside its commit. */
  stateStoreClient?: boolean;
  /** The event bus to use (default: one on `redis`, or in memory). */
  bus?: EventBus;
  binding: HandoffBinding;
}

/** Builds the handoff: stores (memory or Redis), the event bus, the service, the router and the console. */
export function createHandoff(parts: HandoffParts): Handoff {
  const { config, log, redis, binding } = parts;
  const ttlMs = config.stateTtlSeconds * 1000;
  const prefix = config.redisKeyPrefix;
  const redisStore = redis ? new RedisHandoffStore(redis, { prefix, ttlMs }) : undefined;
  const store: HandoffStore = redisStore ?? new MemoryHandoffStore({ ttlMs });
  // One Redis process (REDIS_ONE_NODE) on the state store's client: the turn's lock-and-read reads the
  // handoff record (HandoffRouter), and its transcript append goes out beside its commit (TranscriptRecorder).
  const appendWithCommit = redis !== undefined && !('nodes' in redis) && parts.stateStoreClient === true && config.redisOneNode;
  const appendOp = appendWithCommit ? 'transcript_append_with_commit' : 'transcript_append';
  const transcript: TranscriptStore = redis ? new RedisTranscriptStore(redis, { prefix, ttlMs, onAppend: (seconds) => parts.metrics.storeLatency.observe({ store: 'redis', op: appendOp }, seconds) }) : new MemoryTranscriptStore({ ttlMs });
  const bus = parts.bus ?? (redis ? new RedisEventBus(redis, { prefix }) : new MemoryEventBus());
  const consoleStore: ConsoleStore = redis ? new RedisConsoleStore(redis, prefix) : new MemoryConsoleStore();
  const recorder = new TranscriptRecorder(transcript, {
    localeOf: (ctx) => binding.localeOf(ctx),
    onError: (err) => log.warn({ err: { message: (err as Error).message } }, 'transcript not written'),
    withCommit: appendWithCommit,
  });
  const service = new HandoffService({
    store,
    transcript,
    recorder,
    bus,
    i18n: parts.i18n,
    continueConversation: (ref, logic) => binding.continueConversation(ref, logic),
    localeOf: (ctx) => binding.localeOf(ctx),
    profileOf: (ctx) => binding.profileOf(ctx),
    resumeBot: (ctx) => binding.resumeBot(ctx),
    officeHours: OfficeHours.fromFacts(parts.facts),
    claimTimeoutMs: config.handoff.claimTimeoutMs,
    metrics: new HandoffMetrics(parts.metrics.registry, store),
    log,
    eventChannels: new Set(['directline', 'webchat', 'emulator', 'test']),
  });
  const router = new HandoffRouter({
    store,
    service,
    i18n: parts.i18n,
    locales: config.enabledLocales,
    localeOf: (ctx) => binding.localeOf(ctx),
    onRecordRead: (when) => parts.metrics.besideLockReads.inc({ read: 'handoff_record', when }),
    ...(appendWithCommit && redisStore ? { recordInLock: { redisKey: (id: string) => redisStore.recordKey(id), decode: (raw: string | undefined) => redisStore.decodeRecord(raw) } } : {}),
  });
  const accounts = new Accounts(consoleStore);
  let console: { close(): void } | undefined;
  service.start();
  return {
    store,
    transcript,
    bus,
    service,
    accounts,
    consoleStore,
    middleware: { recorder, router, afterAlarm: (ctx, lng) => service.afterSafetyAlarm(ctx, lng), besideLock: [router.record] },
    request: (ctx, ask) => service.request(ctx, ask),
    erase: (ctx) => service.erase(ctx),
    eraseConversations: (ids) => service.eraseConversations(ids),
    register: (server) => {
      console = registerConsole(server, {
        service,
        accounts,
        store: consoleStore,
        bus,
        i18n: parts.i18n,
        log,
        sessionIdleMs: config.handoff.sessionIdleMs,
        auditRetentionMs: config.handoff.auditRetentionMs,
        secureCookie: config.handoff.publicUrl?.startsWith('https://') ?? false,
        loginFailuresPerAccount: config.handoff.loginFailuresPerAccount,
        loginFailuresPerIp: config.handoff.loginFailuresPerIp,
        oidc: config.handoff.oidc ? new OidcSignIn(config.handoff.oidc) : undefined,
        oidcAdminRole: config.handoff.oidc?.adminRole,
        localLogin: config.handoff.localLogin,
      });
    },
    close: async () => {
      service.stop();
      console?.close();
      await bus.close();
      await Promise.all([store.close(), transcript.close(), consoleStore.close()]);
      if (redis && parts.ownsRedis !== false) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
