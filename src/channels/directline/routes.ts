import type { Request, Response, Server } from 'restify';
import { errorForLog, type Logger } from '../../log';
import type { ClientLimits } from '../../rateLimit/clientLimits';
import type { DirectLineChannel } from './channel';
import type { SelfHostedConnector } from './connector';
import { failureOf } from '../../server/guard';
import { sendError, sendIfRefusal } from './errors';
import { streamUrl } from './stream';
import { TOKEN_TTL_SECONDS, bearer } from './tokens';

export const DIRECTLINE_PATH = '/v3/directline';

/** Query parameters (the server has no query parser). */
export function queryOf(req: Request): URLSearchParams {
  return new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
}

/** A watermark from a query string: a whole number, anything else counts as "from the start". */
export function watermarkOf(value: string | null): number {
  return value !== null && /^\d{1,12}$/.test(value) ? Number(value) : 0;
}

type Handler = (req: Request, res: Response) => Promise<void>;

/** Runs a handler; refusals become Direct Line error bodies, a store outage a 503 with Retry-After, anything else a 500 (logged). */
export function guarded(log: Logger, handler: Handler): Handler {
  return async (req, res) => {
    try {
      await handler(req, res);
    } catch (err) {
      if (sendIfRefusal(res, err)) return;
      const failure = failureOf(err);
      if (failure.status < 500) return sendError(res, failure.status, failure.code, failure.message, failure.retryAfterSeconds);
      // the route, not the path: the path carries the conversation id
      const entry = { err: errorForLog(err), route: req.getRoute?.()?.path };
      if (failure.status === 503) log.warn(entry, 'direct line request failed: store unavailable');
      else log.error(entry, 'direct line request failed');
      if (res.headersSent) return;
      if (failure.status === 500) sendError(res, 500, 'ServiceError', 'The service could not handle the request.');
      else sendError(res, failure.status, failure.code, failure.message, failure.retryAfterSeconds);
    }
  };
}

/** The client-facing Direct Line 3.0 routes under /v3/directline. */
export function registerClientRoutes(server: Server, channel: DirectLineChannel, connector: SelfHostedConnector, log: Logger, limits: ClientLimits): void {
  const P = DIRECTLINE_PATH;
  const token = (req: Request) => bearer(req.header('authorization'));

  server.post(`${P}/tokens/generate`, guarded(log, async (req, res) => {
    const caller = channel.caller(token(req));
    // the secret's holders are trusted server-side callers; anyone else is counted (guessing the secret included)
    if (caller.kind !== 'secret') {
      await limits.token(req);
      return sendError(res, 403, 'InvalidToken', 'Generating a token needs the server\'s secret.');
    }
    const body = (req.body ?? {}) as { user?: { id?: unknown } };
    const fresh = channel.newConversationToken(typeof body.user?.id === 'string' ? body.user.id : undefined);
    res.json({ conversationId: fresh.conversationId, token: fresh.token, expires_in: fresh.expires_in });
  }));

  server.post(`${P}/tokens/refresh`, guarded(log, async (req, res) => {
    const caller = channel.caller(token(req));
    if (caller.kind !== 'user') return sendError(res, 403, 'InvalidToken', 'Refresh a conversation\'s token, not the secret.');
    await limits.renewal(caller.claims.conversationId);
    res.json(channel.renew(caller.claims));
  }));

  server.post(`${P}/conversations`, guarded(log, async (req, res) => {
    const caller = channel.caller(token(req));
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as { user?: { id?: unknown }; locale?: unknown };
    // a user token's conversation counts against the client's address when this starts it; the secret's holders are trusted
    const started = await channel.start(caller, connector.serviceUrlFor(req), body, caller.kind === 'user' ? () => limits.newConversation(req) : undefined);
    res.status(started.created ? 201 : 200);
    res.json({
      conversationId: started.conversationId,
      token: started.token,
      expires_in: TOKEN_TTL_SECONDS,
      streamUrl: streamUrl(req, started.conversationId, started.token),
    });
  }));

  server.get(`${P}/conversations/:conversationId`, guarded(log, async (req, res) => {
    const caller = channel.caller(token(req));
    const conversationId = String(req.params.conversationId);
    // Azure's way: a client may connect to the conversation its token was minted for before anyone started it.
    if (caller.kind === 'user' && caller.claims.conversationId === conversationId && !(await channel.exists(conversationId))) {
      await channel.start(caller, connector.serviceUrlFor(req), {}, () => limits.newConversation(req));
    }
    await channel.authorize(caller, conversationId);
    const fresh = caller.kind === 'user' ? channel.renew(caller.claims).token : await channel.tokenFor(conversationId);
    const watermark = queryOf(req).get('watermark');
    res.json({
      conversationId,
      token: fresh,
      expires_in: TOKEN_TTL_SECONDS,
      streamUrl: streamUrl(req, conversationId, fresh, watermark ? watermarkOf(watermark) : undefined),
    });
  }));

  server.get(`${P}/conversations/:conversationId/activities`, guarded(log, async (req, res) => {
    const caller = channel.caller(token(req));
    const conversationId = String(req.params.conversationId);
    await channel.authorize(caller, conversationId);
    res.json(await channel.activities(conversationId, watermarkOf(queryOf(req).get('watermark'))));
  }));

  server.post(`${P}/conversations/:conversationId/activities`, guarded(log, async (req, res) => {
    const caller = channel.caller(token(req));
    const conversationId = String(req.params.conversationId);
    const contentType = req.getContentType();
    if (contentType !== 'application/json') return sendError(res, 415, 'UnsupportedMediaType', 'Send the activity as application/json.');
    res.json(await channel.post(caller, conversationId, req.body, connector.serviceUrlFor(req)));
  }));

  server.post(`${P}/conversations/:conversationId/upload`, guarded(log, async (req, res) => {
    const caller = channel.caller(token(req));
    await channel.authorize(caller, String(req.params.conversationId));
    sendError(res, 415, 'UploadNotSupported', 'This service does not accept file uploads.');
  }));
}
