import { randomUUID } from 'node:crypto';
import type { Activity, ActivityHandler } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import * as restify from 'restify';
import type { IntegrationAdapter } from '../bot/adapter';
import { errorForLog, hashForLog, type Logger } from '../log';
import type { Metrics } from '../metrics';
import type { ConversationStore } from '../state/conversationStore';
import { lazyLogger, withRequestLog } from '../requestLog';
import type { ProtectionConfig } from '../config';
import { activityFieldProblem } from './activityShape';
import { clientAddress, isLoopbackAddress, isLoopbackUrl } from './clientAddress';
import { failureOf, guardRoutes, guardUpgrades, type UpgradeRoutes } from './guard';

export interface HttpServerDeps {
  adapter: IntegrationAdapter;
  bot: ActivityHandler;
  store: ConversationStore;
  metrics: Metrics;
  log: Logger;
  maxBodyBytes: number;
  protection: ProtectionConfig;
  /** No Bot Framework credentials: requests to /api/messages are not authenticated. */
  localMode: boolean;
  /** Channel ids of the self-hosted channels: their activities never come through /api/messages. */
  selfHostedChannelIds: readonly string[];
  /** True for a serviceUrl of a self-hosted channel (only that channel may use it). */
  ownsServiceUrl(serviceUrl: string): boolean;
}

export interface HttpServer {
  server: restify.Server;
  /** Where WebSocket upgrade handlers register (behind the guard). */
  upgrades: UpgradeRoutes;
  /** Turns being processed right now (graceful shutdown waits for them). */
  inFlight(): number;
}

/** A JSON error body, the same shape restify uses for its own errors. */
function reject(res: restify.Response, status: number, code: string, message: string): void {
  res.status(status);
  res.json({ code, message });
}

/** What is wrong with an incoming activity, or undefined when it can be processed. */
export function activityProblem(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'The body must be a JSON object (a Bot Framework activity).';
  const activity = body as Record<string, unknown>;
  const missing = ['type', 'serviceUrl'].filter((f) => typeof activity[f] !== 'string' || activity[f] === '');
  const conversation = activity.conversation as Record<string, unknown> | undefined;
  if (!conversation || typeof conversation !== 'object' || typeof conversation.id !== 'string' || conversation.id === '') missing.push('conversation.id');
  if (typeof activity.channelId !== 'string' || activity.channelId === '') missing.push('channelId');
  const from = activity.from as Record<string, unknown> | undefined;
  if (from === undefined || from === null) missing.push('from');
  if (missing.length > 0) return `The activity is missing ${missing.join(', ')}.`;
  if (typeof from !== 'object' || Array.isArray(from) || typeof from.id !== 'string' || from.id === '') return 'The activity\'s "from" must be an object with a string "id".';
  return activityFieldProblem(activity);
}

/**
 * Who may post an activity to /api/messages, or why not. A self-hosted channel's activities only
 * come from the channel itself (its channel id and serviceUrl cannot be borrowed); in local mode,
 * nothing authenticates the caller, so only this machine may call, with a serviceUrl on this
 * machine (the bot would otherwise POST its replies wherever it is told).
 */
function callerProblem(deps: HttpServerDeps, req: restify.Request, activity: Activity): string | undefined {
  if (deps.ownsServiceUrl(activity.serviceUrl)) return 'This serviceUrl belongs to a channel of this service; its activities do not come through /api/messages.';
  if (!deps.localMode) return undefined;
  if (deps.selfHostedChannelIds.includes(activity.channelId)) return `The channel "${activity.channelId}" is served by this service itself; its activities do not come through /api/messages.`;
  if (deps.protection.localModeAllowRemote) return undefined;
  if (!isLoopbackAddress(clientAddress(req, deps.protection.trustProxy))) return 'Without Bot Framework credentials (local mode) only this machine may post activities (set LOCAL_MODE_ALLOW_REMOTE=true to allow others).';
  if (!isLoopbackUrl(activity.serviceUrl)) return 'Without Bot Framework credentials (local mode) the serviceUrl must be on this machine (127.0.0.1, localhost).';
  return undefined;
}

export function createHttpServer(deps: HttpServerDeps): HttpServer {
  const { adapter, bot, store, metrics, log } = deps;
  let inFlight = 0;

  const server = restify.createServer({ name: 'tonder-integration-bot', handleUncaughtExceptions: false });
  guardRoutes(server, log);
  const upgrades = guardUpgrades(server.server, log);
  // restify's types omit bodyReader's maxBodySize, which jsonBodyParser passes on.
  server.use(restify.plugins.jsonBodyParser({ maxBodySize: deps.maxBodyBytes, mapParams: false } as restify.plugins.JsonBodyParserOptions));

  if (deps.protection.apiMessages !== 'off') server.post('/api/messages', async (req, res) => {
    const contentType = req.getContentType();
    if (contentType !== 'application/json' && !/\+json$/.test(contentType)) {
      return reject(res, 415, 'UnsupportedMediaType', 'Send the activity as JSON with Content-Type: application/json.');
    }
    const problem = activityProblem(req.body);
    if (problem) return reject(res, 400, 'BadRequest', problem);

    const activity = req.body as Activity;
    const refused = callerProblem(deps, req, activity);
    if (refused) return reject(res, 403, 'Forbidden', refused);
    // an activity id may carry the conversation id (Direct Line's do): logged as a hash
    // made when the turn first logs (most turns log nothing): the id's hash and the child logger cost a share of a turn
    const turnLog = lazyLogger(() => {
      const requestId = (req.header('x-request-id') || (activity.id ? hashForLog(activity.id) : randomUUID())).slice(0, 100);
      return log.child({ reqId: requestId, channel: activity.channelId, type: activity.type });
    });
    const endTimer = metrics.turnDuration.startTimer();
    inFlight += 1;
    try {
      const authHeader = req.header('authorization') ?? '';
      const result = await withRequestLog(turnLog, () => adapter.processParsed(authHeader, activity, (context) => bot.run(context)));
      metrics.turns.inc({ channel: activity.channelId, type: activity.type });
      res.status(result?.status ?? 200);
      if (result?.body !== undefined) res.json(result.body);
      else res.end();
    } catch (err) {
      if (err instanceof AuthenticationError || (err as { statusCode?: number }).statusCode === 401) {
        metrics.errors.inc({ where: 'auth' });
        turnLog().warn({ err: { message: (err as Error).message } }, 'request not authenticated');
        return reject(res, 401, 'Unauthorized', 'The request is not authenticated for this bot.');
      }
      metrics.errors.inc({ where: 'http' });
      turnLog().error({ err: errorForLog(err) }, 'request failed');
      const failure = failureOf(err);
      if (failure.retryAfterSeconds !== undefined && !res.headersSent) res.setHeader('Retry-After', String(failure.retryAfterSeconds));
      if (!res.headersSent) reject(res, failure.status, failure.code, failure.status === 500 ? 'The bot could not process this activity.' : failure.message);
    } finally {
      inFlight -= 1;
      endTimer();
    }
  });

  server.get('/healthz', async (_req, res) => {
    res.json({ status: 'ok' });
  });

  server.get('/readyz', async (_req, res) => {
    try {
      const ms = await withTimeout(store.ping(), 2000);
      metrics.storeLatency.observe({ store: store.kind, op: 'ping' }, ms / 1000);
      res.json({ status: 'ready', store: store.kind, pingMs: Math.round(ms * 100) / 100 });
    } catch (err) {
      res.status(503);
      res.json({ status: 'unavailable', store: store.kind, message: `The ${store.kind} store does not answer: ${(err as Error).message}` });
    }
  });

  server.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.sendRaw(200, await metrics.registry.metrics());
  });

  server.on('restifyError', (req: restify.Request, _res: restify.Response, err: Error & { statusCode?: number }, callback: () => void) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      log.error({ err: { name: err.name, message: err.message }, route: req.getRoute?.()?.path }, 'server error');
      // never an internal message or a stack in a body
      const failure = failureOf(err);
      (err as { toJSON?: () => unknown }).toJSON = () => ({ code: failure.code, message: failure.message });
    }
    else log.debug({ status, path: req.path(), message: err.message }, 'request rejected');
    callback();
  });

  return { server, upgrades, inFlight: () => inFlight };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
