import type { Request, Server } from 'restify';
import type { Logger } from '../../log';
import type { ClientLimits } from '../../rateLimit/clientLimits';
import type { DirectLineChannel } from './channel';
import { DirectLineError } from './errors';
import { DIRECTLINE_PATH, guarded } from './routes';
import { bearer } from './tokens';

export interface TokenSourceOptions {
  /** Azure's Direct Line secret; unset: the self-hosted channel issues the tokens. */
  azureSecret: string | undefined;
  /** Azure's Direct Line base URL (a loopback fake in tests). */
  azureUrl: string;
}

interface TokenAnswer {
  conversationId: string;
  token: string;
  expires_in: number;
}

/** The user id a page asks for, when it is one we accept. */
function requestedUser(req: Request): string | undefined {
  const body = (req.body && typeof req.body === 'object' ? req.body : {}) as { user?: { id?: unknown } };
  const id = body.user?.id;
  return typeof id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(id) && !id.startsWith('dl_') ? id : undefined;
}

/** Asks Azure's Direct Line for a token (generate with the secret, or refresh a token). */
async function fromAzure(options: TokenSourceOptions, path: 'generate' | 'refresh', authorization: string, userId?: string): Promise<TokenAnswer> {
  let res: Response;
  try {
    res = await fetch(`${options.azureUrl}/v3/directline/tokens/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${authorization}`, 'content-type': 'application/json' },
      body: path === 'generate' && userId ? JSON.stringify({ user: { id: userId } }) : undefined,
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    throw new DirectLineError(502, 'DirectLineUnavailable', 'Azure Direct Line did not answer.');
  }
  if (res.status === 401 || res.status === 403) {
    throw new DirectLineError(path === 'refresh' ? 403 : 502, path === 'refresh' ? 'TokenExpired' : 'DirectLineRejected', path === 'refresh' ? 'The token cannot be refreshed. Start a new conversation.' : 'Azure Direct Line refused the secret.');
  }
  const body = (await res.json().catch(() => undefined)) as Partial<TokenAnswer> | undefined;
  if (!res.ok || !body || typeof body.token !== 'string' || typeof body.conversationId !== 'string') {
    throw new DirectLineError(502, 'DirectLineUnavailable', `Azure Direct Line answered ${res.status} without a token.`);
  }
  return { conversationId: body.conversationId, token: body.token, expires_in: Number(body.expires_in ?? 1800) };
}

/**
 * `POST /api/directline/token`: the page's token source. Without Authorization it returns a token
 * for a new conversation; with `Authorization: Bearer <token>` it renews that conversation's token.
 * Self-hosted, the token is signed here; in Azure mode it comes from Azure's Direct Line. The answer
 * also names the Direct Line `domain` the page should talk to. No secret ever leaves the server.
 */
export function registerTokenSource(server: Server, channel: DirectLineChannel, options: TokenSourceOptions, log: Logger, limits: ClientLimits): void {
  server.post('/api/directline/token', guarded(log, async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const given = bearer(req.header('authorization'));
    // a new token counts against the client's address, a renewal against its conversation (Azure's: against the address too)
    if (!given || options.azureSecret) await limits.token(req);
    if (options.azureSecret) {
      const answer = given ? await fromAzure(options, 'refresh', given) : await fromAzure(options, 'generate', options.azureSecret, requestedUser(req));
      res.json({ ...answer, domain: `${options.azureUrl}${DIRECTLINE_PATH}` });
      return;
    }
    if (given) {
      const claims = await channel.renewable(given);
      await limits.renewal(claims.conversationId);
      await channel.authorize({ kind: 'user', claims }, claims.conversationId).catch((err: unknown) => {
        // a conversation that was never started may be resumed; an expired one may not
        if (!(err instanceof DirectLineError && err.status === 404 && claims.exp * 1000 > Date.now())) throw err;
      });
      res.json({ ...channel.renew(claims), domain: DIRECTLINE_PATH });
      return;
    }
    const fresh = channel.newConversationToken(requestedUser(req));
    res.json({ conversationId: fresh.conversationId, token: fresh.token, expires_in: fresh.expires_in, domain: DIRECTLINE_PATH });
  }));
}
