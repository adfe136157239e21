import type { IncomingMessage, Server as NodeHttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type * as restify from 'restify';
import type { Logger } from '../log';
import { isStoreOutage, OUTAGE_RETRY_AFTER_SECONDS } from './outage';

/**
 * The one guard every route and every WebSocket upgrade runs behind: whatever a handler throws
 * (synchronously or as a rejected promise) becomes a JSON answer (4xx for refusals, 503 with
 * `Retry-After` for a store outage, 500 otherwise) and never a crash; every upgrade socket is
 * either upgraded or answered and closed.
 */

/** A refusal or failure with an HTTP status, as thrown by handlers (DirectLineError, restify errors). */
interface WithStatus {
  status?: unknown;
  statusCode?: unknown;
  code?: unknown;
  retryAfterSeconds?: unknown;
}

export interface Failure {
  status: number;
  code: string;
  message: string;
  retryAfterSeconds?: number;
}

/** What to answer for an error a handler threw: its own 4xx, 503 for an outage, else a 500 that says nothing internal. */
export function failureOf(err: unknown): Failure {
  const e = (err ?? {}) as WithStatus & { message?: unknown };
  const status = Number(e.status ?? e.statusCode);
  if (Number.isInteger(status) && status >= 400 && status < 500) {
    return {
      status,
      code: typeof e.code === 'string' ? e.code : 'BadRequest',
      message: typeof e.message === 'string' && e.message ? e.message : 'The request was refused.',
      ...(typeof e.retryAfterSeconds === 'number' ? { retryAfterSeconds: e.retryAfterSeconds } : {}),
    };
  }
  if (isStoreOutage(err) || status === 503) {
    return { status: 503, code: 'ServiceUnavailable', message: 'The service is briefly unavailable. Try again in a moment.', retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS };
  }
  return { status: 500, code: 'InternalError', message: 'The service could not handle the request.' };
}

/** Paths whose errors use Direct Line's body `{error:{code,message}}`; every other path restify's `{code,message}`. */
const DIRECT_LINE_PATHS = /^\/(v3\/directline|api\/directline|directline\/)/;

export function errorBody(path: string, failure: Failure): unknown {
  return DIRECT_LINE_PATHS.test(path) ? { error: { code: failure.code, message: failure.message } } : { code: failure.code, message: failure.message };
}

/** Answers a request with a failure, or cuts the connection when an answer has already begun. */
export function answerFailure(req: restify.Request, res: restify.Response, failure: Failure): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (failure.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(failure.retryAfterSeconds));
  res.status(failure.status);
  res.json(errorBody(pathOf(req), failure));
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0];
}

type Handler = (req: restify.Request, res: restify.Response, next: restify.Next) => unknown;

function guardHandler(handler: Handler, log: Logger): Handler {
  if (handler.length >= 4) return handler; // restify's error middleware
  // restify tells route handlers from error middleware by arity: keep it.
  const onError = (req: restify.Request, res: restify.Response, err: unknown) => {
    const failure = failureOf(err);
    if (failure.status >= 500) log.error({ err: { name: (err as Error)?.name, message: (err as Error)?.message }, route: req.getRoute?.()?.path }, 'request failed');
    answerFailure(req, res, failure);
  };
  const guarded = function (req: restify.Request, res: restify.Response, next: restify.Next): unknown {
    try {
      const result = handler(req, res, next);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        return (result as Promise<unknown>).then(
          (value) => value,
          (err: unknown) => onError(req, res, err),
        );
      }
      return result;
    } catch (err) {
      onError(req, res, err);
      return undefined;
    }
  };
  return guarded;
}

const ROUTE_METHODS = ['get', 'post', 'put', 'patch', 'del', 'head', 'opts'] as const;

/** True when every %-escape in the path decodes. */
export function decodablePath(url: string | undefined): boolean {
  try {
    decodeURIComponent(pathOf({ url } as IncomingMessage));
    return true;
  } catch {
    return false;
  }
}

/**
 * Puts every route of `server` behind the guard, the ones registered later included, and refuses
 * what no route should see: malformed %-escapes (400) and compressed bodies (415; the body limit
 * then always counts the bytes the parser would hold).
 */
export function guardRoutes(server: restify.Server, log: Logger): void {
  const target = server as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const method of ROUTE_METHODS) {
    const register = target[method].bind(server);
    target[method] = (...args: unknown[]) => register(...args.map((a) => (typeof a === 'function' ? guardHandler(a as Handler, log) : a)));
  }
  server.pre((req: restify.Request, res: restify.Response, next: restify.Next) => {
    if (!decodablePath(req.url)) {
      answerFailure(req, res, { status: 400, code: 'BadRequest', message: 'The path has a malformed %-escape.' });
      return next(false);
    }
    const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== '') {
      answerFailure(req, res, { status: 415, code: 'UnsupportedMediaType', message: 'Send the body uncompressed, without Content-Encoding.' });
      return next(false);
    }
    return next();
  });
}

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => Promise<void>;

export interface UpgradeRoutes {
  /** Handles upgrades whose path matches; the handler must upgrade the socket or throw a refusal. */
  add(path: RegExp, handler: UpgradeHandler): void;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' };

/** Answers an upgrade request over the raw socket, then closes it. */
export function answerSocket(socket: Duplex, path: string, failure: Failure): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(errorBody(path, failure));
  const retry = failure.retryAfterSeconds !== undefined ? `Retry-After: ${failure.retryAfterSeconds}\r\n` : '';
  const head = `HTTP/1.1 ${failure.status} ${STATUS_TEXT[failure.status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${retry}Connection: close\r\n\r\n`;
  socket.end(head + body, () => socket.destroy());
  // a peer that never reads must not keep the socket either
  setTimeout(() => socket.destroy(), 2000).unref();
}

/** How long an upgrade may take before its socket is answered and closed anyway. */
const UPGRADE_DEADLINE_MS = 10_000;

/**
 * The one `upgrade` listener of the HTTP server: an upgrade to a path no handler has is answered
 * 404; a handler's refusal or failure is answered with its status; every socket that is not
 * upgraded in time is closed. Nothing thrown here reaches the process.
 */
export function guardUpgrades(http: NodeHttpServer, log: Logger): UpgradeRoutes {
  const routes: { path: RegExp; handler: UpgradeHandler }[] = [];
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = pathOf(req);
    const timer = setTimeout(() => answerSocket(socket, path, { status: 503, code: 'ServiceUnavailable', message: 'The stream could not be opened in time.', retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS }), UPGRADE_DEADLINE_MS);
    timer.unref();
    const fail = (err: unknown) => {
      clearTimeout(timer);
      const failure = failureOf(err);
      if (failure.status >= 500) log.error({ err: { name: (err as Error)?.name, message: (err as Error)?.message } }, 'upgrade failed');
      answerSocket(socket, path, failure);
    };
    try {
      if (!decodablePath(req.url)) throw Object.assign(new Error('The path has a malformed %-escape.'), { status: 400, code: 'BadRequest' });
      const route = routes.find((r) => r.path.test(req.url ?? ''));
      if (!route) throw Object.assign(new Error(`Nothing to upgrade at ${path.slice(0, 200)}.`), { status: 404, code: 'NotFound' });
      route.handler(req, socket, head).then(() => clearTimeout(timer), fail);
    } catch (err) {
      fail(err);
    }
  });
  return { add: (path, handler) => routes.push({ path, handler }) };
}
