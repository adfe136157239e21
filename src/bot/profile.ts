/** What the bot keeps about a user across conversations (user state). */
export interface UserProfile {
  /** The language the user chose, e.g. `da`. */
  locale?: string;
  /** Who the user is (asked in the welcome path, changeable under "about me"); unset: not answered. */
  group?: 'refugee' | 'family_refugee' | 'family_other' | 'ukraine' | 'other' | 'unknown';
  has_children?: boolean;
  /** The age of a child, asked where a path needs it. */
  child_age?: number;
  /** Whether the welcome path has started for this user (it runs once). */
  welcomed?: boolean;
}

/** What the bot keeps about one conversation (conversation state). */
export interface ConversationData {
  /** Turns the bot has processed in this conversation. */
  turns: number;
  /** Whether the bot has said who it is in this conversation. */
  welcomed?: boolean;
  /** The kind of emergency a borderline message looked like, while "are you in danger now?" waits for its answer. */
  safetyCheck?: string;
  /** Whether the machine-translation notice was said in this conversation (once is enough). */
  machineNotice?: boolean;
}
