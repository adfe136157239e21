import type { Request, Response, Server } from 'restify';
import type { Logger } from '../../log';
import type { DirectLineChannel } from './channel';
import type { SelfHostedConnector } from './connector';
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

/** Runs a handler; refusals become Direct Line error bodies, anything else a 500 (logged). */
export function guarded(log: Logger, handler: Handler): Handler {
  return async (req, res) => {
    try {
      await handler(req, res);
    } catch (err) {
      if (sendIfRefusal(res, err)) return;
      log.error({ err, path: req.path() }, 'direct line request failed');
      if (!res.headersSent) sendError(res, 500, 'ServiceError', 'The service could not handle the request.');
    }
  };
}

/** The client-facing Direct Line 3.0 routes under /v3/directline. */
export function registerClientRoutes(server: Server, channel: DirectLineChannel, connector: SelfHostedConnector, log: Logger): void {
  const P = DIRECTLINE_PATH;
  const token = (req: Request) => bearer(req.header('authorization'));

  server.post(`${P}/tokens/generate`, guarded(log, async (req, res) => {
    const caller = channel.caller(token(req));
    if (caller.kind !== 'secret') return sendError(res, 403, 'InvalidToken', 'Generating a token needs the server\'s secret.');
    const body = (req.body ?? {}) as { user?: { id?: unknown } };
    const fresh = channel.newConversationToken(typeof body.user?.id === 'string' ? body.user.id : undefined);
    res.json({ conversationId: fresh.conversationId, token: fresh.token, expires_in: fresh.expires_in });
  }));

  server.post(`${P}/tokens/refresh`, guarded(log, async (req, res) => {
    const caller = channel.caller(token(req));
    if (caller.kind !== 'user') return sendError(res, 403, 'InvalidToken', 'Refresh a conversation\'s token, not the secret.');
    res.json(channel.renew(caller.claims));
  }));

  server.post(`${P}/conversations`, guarded(log, async (req, res) => {
    const caller = channel.caller(token(req));
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as { user?: { id?: unknown }; locale?: unknown };
    const started = await channel.start(caller, connector.serviceUrlFor(req), body);
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
