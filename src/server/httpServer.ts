import { randomUUID } from 'node:crypto';
import type { Activity, ActivityHandler } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import * as restify from 'restify';
import type { IntegrationAdapter } from '../bot/adapter';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { ConversationStore } from '../state/conversationStore';
import { withRequestLog } from '../requestLog';

export interface HttpServerDeps {
  adapter: IntegrationAdapter;
  bot: ActivityHandler;
  store: ConversationStore;
  metrics: Metrics;
  log: Logger;
  maxBodyBytes: number;
}

export interface HttpServer {
  server: restify.Server;
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
  if (missing.length > 0) return `The activity is missing ${missing.join(', ')}.`;
  const from = activity.from as Record<string, unknown> | undefined;
  if (from !== undefined && (from === null || typeof from !== 'object' || typeof from.id !== 'string')) return 'The activity\'s "from" must be an object with a string "id".';
  return undefined;
}

export function createHttpServer(deps: HttpServerDeps): HttpServer {
  const { adapter, bot, store, metrics, log } = deps;
  let inFlight = 0;

  const server = restify.createServer({ name: 'tonder-integration-bot', handleUncaughtExceptions: false });
  // restify's types omit bodyReader's maxBodySize, which jsonBodyParser passes on.
  server.use(restify.plugins.jsonBodyParser({ maxBodySize: deps.maxBodyBytes, mapParams: false } as restify.plugins.JsonBodyParserOptions));

  server.post('/api/messages', async (req, res) => {
    const contentType = req.getContentType();
    if (contentType !== 'application/json' && !/\+json$/.test(contentType)) {
      return reject(res, 415, 'UnsupportedMediaType', 'Send the activity as JSON with Content-Type: application/json.');
    }
    const problem = activityProblem(req.body);
    if (problem) return reject(res, 400, 'BadRequest', problem);

    const activity = req.body as Activity;
    const requestId = (req.header('x-request-id') || activity.id || randomUUID()).slice(0, 100);
    const turnLog = log.child({ reqId: requestId, channel: activity.channelId, type: activity.type });
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
        turnLog.warn({ err: { message: (err as Error).message } }, 'request not authenticated');
        return reject(res, 401, 'Unauthorized', 'The request is not authenticated for this bot.');
      }
      metrics.errors.inc({ where: 'http' });
      turnLog.error({ err }, 'request failed');
      if (!res.headersSent) reject(res, 500, 'InternalError', 'The bot could not process this activity.');
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
    if (status >= 500) log.error({ err, path: req.path() }, 'server error');
    else log.debug({ status, path: req.path(), message: err.message }, 'request rejected');
    callback();
  });

  return { server, inFlight: () => inFlight };
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
