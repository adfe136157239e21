/** What the bot keeps about a user across conversations (user state). */
export interface UserProfile {
  /** The language the user chose, e.g. `da`. */
  locale?: string;
}

/** What the bot keeps about one conversation (conversation state). */
export interface ConversationData {
  /** Turns the bot has processed in this conversation. */
  turns: number;
  /** Whether the bot has said who it is in this conversation. */
  welcomed?: boolean;
}
