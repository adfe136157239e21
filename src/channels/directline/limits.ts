/** The channel id activities of the self-hosted channel carry (as Azure's Direct Line). */
export const CHANNEL_ID_DIRECTLINE = 'directline';
/** Direct Line's limit for one activity, serialized. */
export const MAX_ACTIVITY_CHARS_DIRECTLINE = 262_144;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Conversation and user ids this channel makes (and accepts): safe in Redis keys and URLs. */
export function isValidConversationId(id: string): boolean {
  return ID.test(id);
}
