import type { Activity, ConversationAccount } from 'botbuilder';
import type { Request, Response, Server } from 'restify';
import type { Logger } from '../../log';
import { type DirectLineLog } from './activityLog';
import { CHANNEL_ID, MAX_ACTIVITY_CHARS, isValidId } from './channel';
import { CONNECTOR_PATH } from './connector';
import { DirectLineError, sendError } from './errors';
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
    const conversationId = String(req.params.conversationId);
    if (!isValidId(conversationId) || !(await store.getConversation(conversationId))) {
      throw new DirectLineError(404, 'ConversationNotFound', 'There is no such conversation (it may have expired).');
    }
    const body = req.body as (Partial<Activity> & Record<string, unknown>) | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body) || typeof body.type !== 'string') {
      return sendError(res, 400, 'BadArgument', 'The body must be an activity with a "type".');
    }
    if (JSON.stringify(body).length > MAX_ACTIVITY_CHARS) throw new DirectLineError(413, 'MessageSizeTooBig', 'The activity is too large.');
    const fields: Partial<Activity> = { ...body };
    delete fields.serviceUrl;
    delete fields.id;
    const from = (fields.from && typeof fields.from === 'object' ? fields.from : { id: botId }) as Activity['from'];
    const activity: Partial<Activity> = {
      ...fields,
      from: { ...from, role: 'bot' },
      channelId: CHANNEL_ID,
      conversation: { id: conversationId } as ConversationAccount,
      timestamp: new Date().toISOString() as unknown as Date,
      ...(req.params.activityId ? { replyToId: String(req.params.activityId) } : {}),
    };
    const { id } = await store.append(conversationId, activity);
    res.json({ id });
  });

  server.post(base, receive);
  server.post(`${base}/:activityId`, receive);
}
