import type { Activity, ConversationAccount } from 'botbuilder';
import { type DirectLineLog, UnknownConversationError } from './activityLog';
import { CHANNEL_ID_DIRECTLINE, MAX_ACTIVITY_CHARS_DIRECTLINE, isValidConversationId } from './limits';
import { DirectLineError, conversationNotFound } from './errors';

/**
 * Puts an activity from the bot (a reply, or a proactive message) into the conversation's log, from
 * which the page reads or is streamed it. Used by the connector endpoints and by the in-process
 * connector client alike.
 */
export async function logBotActivity(store: DirectLineLog, botId: string, conversationId: string, body: unknown, replyToId?: string): Promise<{ id: string }> {
  if (!isValidConversationId(conversationId)) throw conversationNotFound();
  if (!body || typeof body !== 'object' || Array.isArray(body) || typeof (body as { type?: unknown }).type !== 'string') {
    throw new DirectLineError(400, 'BadArgument', 'The body must be an activity with a "type".');
  }
  if (JSON.stringify(body).length > MAX_ACTIVITY_CHARS_DIRECTLINE) throw new DirectLineError(413, 'MessageSizeTooBig', 'The activity is too large.');
  const fields: Partial<Activity> = { ...(body as Partial<Activity>) };
  delete fields.serviceUrl;
  delete fields.id;
  const from = (fields.from && typeof fields.from === 'object' ? fields.from : { id: botId }) as Activity['from'];
  const activity: Partial<Activity> = {
    ...fields,
    from: { ...from, role: 'bot' },
    channelId: CHANNEL_ID_DIRECTLINE,
    conversation: { id: conversationId } as ConversationAccount,
    timestamp: new Date().toISOString() as unknown as Date,
    ...(replyToId ? { replyToId } : {}),
  };
  // no read first: the append itself refuses a conversation that does not exist
  try {
    return await store.append(conversationId, activity);
  } catch (err) {
    if (err instanceof UnknownConversationError) throw conversationNotFound();
    throw err;
  }
}
