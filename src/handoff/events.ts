/** The bus channel of every handoff event (see src/events). */
export const HANDOFF_CHANNEL = 'handoff';

/** What happened to a handoff; the console refetches what it shows, so an event carries no message text. */
export interface HandoffEvent {
  type: 'queued' | 'claimed' | 'message' | 'reply' | 'note' | 'transferred' | 'released' | 'closed' | 'cancelled' | 'timeout' | 'urgent';
  conversationId: string;
  at: number;
  /** The caseworker who did it, when one did. */
  by?: string;
  /** The owner after the event. */
  owner?: string;
}
