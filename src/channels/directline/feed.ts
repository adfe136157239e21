import type { LoggedActivity } from './activityLog';

/** A WebSocket frame with one activity (an ActivitySet), from its stored text: nothing serialised per socket. */
export function frameOf(logged: LoggedActivity): string {
  return `{"activities":[${logged.json}],"watermark":"${logged.watermark}"}`;
}

/** What a feed needs from its socket and the log. */
export interface FeedIo {
  /** The log's activities after `after` (an ActivitySet with Direct Line's string watermark). */
  read(after: number): Promise<{ activities: unknown[]; watermark: string }>;
  send(frame: string): void;
  /** The socket can still be sent to. */
  isOpen(): boolean;
  onReadError(err: unknown): void;
}

/**
 * What one WebSocket has been sent of its conversation, and what it is sent next. A notification
 * that follows the watermark is sent as it came (no read); one sent already is skipped; a gap (a
 * notification lost, or one arriving while the log is read) is filled by reading the log.
 */
export class ConversationFeed {
  private reading = false;
  private again = false;

  constructor(private watermark: number, private readonly io: FeedIo) {}

  notify(logged: LoggedActivity): void {
    if (!this.io.isOpen() || logged.watermark <= this.watermark) return; // sent already
    if (this.reading || logged.watermark !== this.watermark + 1) {
      void this.catchUp();
      return;
    }
    this.watermark = logged.watermark;
    this.io.send(frameOf(logged));
  }

  /** Sends what the log holds after the watermark (the backlog when the socket opens, or after a gap). */
  async catchUp(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    try {
      do {
        this.again = false;
        const set = await this.io.read(this.watermark);
        if (set.activities.length > 0 && this.io.isOpen()) {
          this.watermark = Number(set.watermark);
          this.io.send(JSON.stringify(set));
          this.again = true; // there may be more than one read's worth
        }
      } while (this.again && this.io.isOpen());
    } catch (err) {
      this.io.onReadError(err);
    } finally {
      this.reading = false;
    }
  }
}
