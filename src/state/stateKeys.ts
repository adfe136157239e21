import type { Activity } from 'botbuilder';

/**
 * The storage keys botbuilder's `ConversationState` and `UserState` use (with their default empty
 * namespace), so a turn can read both in its first round trip. A key a turn reads that is not in
 * this list still works; it costs one more round trip and counts in `bot_state_prefetch_misses_total`.
 */
export function turnStateKeys(activity: Partial<Activity>): string[] {
  const channelId = activity.channelId;
  const conversationId = activity.conversation?.id;
  const userId = activity.from?.id;
  if (!channelId || !conversationId) return [];
  const keys = [`${channelId}/conversations/${conversationId}/`];
  if (userId) keys.push(`${channelId}/users/${userId}/`);
  return keys;
}

/** What a conversation's turn lock is named after. */
export function conversationTag(activity: Partial<Activity>): string | undefined {
  const channelId = activity.channelId;
  const conversationId = activity.conversation?.id;
  return channelId && conversationId ? `${channelId}/conversations/${conversationId}` : undefined;
}

/**
 * The part of a storage key that decides its Redis Cluster slot: everything a conversation or a
 * user owns shares one, so one script can touch them together. `a/conversations/c/users/u/ns`
 * belongs to conversation `a/conversations/c`; otherwise a key belongs to what comes before its
 * last `/` (or to itself when it has none).
 */
export function ownerTag(key: string): string {
  const conversation = /^(.*?\/conversations\/.*?)\/users\//.exec(key);
  if (conversation) return conversation[1];
  const slash = key.lastIndexOf('/');
  return slash > 0 ? key.slice(0, slash) : key;
}
