import type { Request, Response, Server } from 'restify';
import type { Logger } from '../../log';
import { type DirectLineLog } from './activityLog';
import { logBotActivity } from './botReplies';
import { CONNECTOR_PATH } from './connector';
import { DirectLineError } from './errors';
import { guarded } from './routes';
import { bearer, type DirectLineTokens } from './tokens';

/**
 * The Bot Connector endpoints the bot answers to (its serviceUrl): a reply or a proactive message
 * is appended to the conversation's log, from which the page reads or is streamed it.
 * Only the bot may call them (a bot token signed with the channel's secret).
 */
export function registerConnectorRoutes(server: Server, tokens: DirectLineTokens, store: DirectLineLog, botId: string, log: Logger): void {
  const base = `${CONNECTOR_PATH}/v3/conversations/:conversationId/activities`;

  const receive = guarded(log, async (req: Request, res: Response) => {
    const check = tokens.verify(bearer(req.header('authorization')));
    if (!check.ok) {
      if (check.reason === 'missing') throw new DirectLineError(401, 'MissingToken', 'The bot must send its token.');
      throw new DirectLineError(403, check.reason === 'expired' ? 'TokenExpired' : 'InvalidToken', 'The bot token is not valid.');
    }
    if (check.claims.kind !== 'bot') throw new DirectLineError(403, 'InvalidToken', 'Only the bot may post here.');
    const replyToId = req.params.activityId ? String(req.params.activityId) : undefined;
    const { id } = await logBotActivity(store, botId, String(req.params.conversationId), req.body, replyToId);
    res.json({ id });
  });

  server.post(base, receive);
  server.post(`${base}/:activityId`, receive);
}
