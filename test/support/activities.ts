import type { Activity } from 'botbuilder';

export interface Conversation {
  channelId: string;
  conversationId: string;
  userId: string;
}

/** A Bot Framework activity as a channel would post it, with replies in the HTTP response. */
export function activity(conv: Conversation, fields: Partial<Activity>): Partial<Activity> {
  return {
    type: 'message',
    channelId: conv.channelId,
    serviceUrl: 'http://127.0.0.1:9/unused',
    deliveryMode: 'expectReplies',
    conversation: { id: conv.conversationId } as Activity['conversation'],
    from: { id: conv.userId, name: 'Test user' },
    recipient: { id: 'bot', name: 'Bot' },
    ...fields,
  };
}

/** Posts an activity to /api/messages and returns the bot's replies. */
export async function post(url: string, body: Partial<Activity>): Promise<Partial<Activity>[]> {
  const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`POST /api/messages answered ${res.status}: ${await res.text()}`);
  const text = await res.text();
  return text ? ((JSON.parse(text) as { activities?: Partial<Activity>[] }).activities ?? []) : [];
}

export function say(url: string, conv: Conversation, text: string): Promise<Partial<Activity>[]> {
  return post(url, activity(conv, { text }));
}

export function join(url: string, conv: Conversation): Promise<Partial<Activity>[]> {
  return post(url, activity(conv, { type: 'conversationUpdate', membersAdded: [{ id: conv.userId, name: 'Test user' }] }));
}
