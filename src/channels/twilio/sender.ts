import twilio from 'twilio';
import type { TwilioConfig } from '../../config';
import type { Logger } from '../../log';
import type { Metrics } from '../../metrics';

export interface SendOutcome {
  /** Twilio's message SID, when Twilio accepted the text. */
  sid?: string;
  /** Why it was not sent (Twilio's error code or the HTTP status), when it was not. */
  failure?: string;
}

export interface SenderOptions {
  /** Tries in all (the first and its retries) for a transient failure. */
  attempts?: number;
  /** The first retry's wait; each further one waits three times as long. */
  backoffMs?: number;
}

/**
 * Texts through Twilio's REST API (Messages.json) with the `twilio` library, pointed at
 * TWILIO_API_BASE. A transient failure (no answer, 429, 5xx) is retried with growing waits; a
 * permanent one (any other 4xx: a bad or blocked number, a number that said STOP to Twilio) is not.
 * Both are counted; neither throws, so a failed text never breaks the turn.
 */
export class TwilioSender {
  private readonly client: ReturnType<typeof twilio>;
  private readonly attempts: number;
  private readonly backoffMs: number;

  constructor(private readonly config: TwilioConfig, private readonly metrics: Metrics, private readonly log: Logger, options: SenderOptions = {}) {
    this.client = twilio(config.accountSid, config.authToken, { autoRetry: false, timeout: 10_000 });
    // The REST domain's base address (https://api.twilio.com unless configured otherwise).
    this.client.api.baseUrl = config.apiBase;
    this.attempts = options.attempts ?? 4;
    this.backoffMs = options.backoffMs ?? 200;
  }

  async send(to: string, body: string, logContext: Record<string, unknown>): Promise<SendOutcome> {
    const sender = this.config.messagingServiceSid ? { messagingServiceSid: this.config.messagingServiceSid } : { from: this.config.from! };
    for (let attempt = 1; ; attempt++) {
      try {
        const message = await this.client.messages.create({ to, body, ...sender });
        this.metrics.smsSent.inc({ channel: 'twilio' });
        return { sid: message.sid };
      } catch (err) {
        const status = (err as { status?: number }).status;
        const code = (err as { code?: number }).code;
        const transient = status === undefined || status === 429 || status >= 500;
        const failure = code ? String(code) : status ? `http ${status}` : (err as Error).message;
        if (!transient) {
          this.metrics.smsDeliveryFailures.inc({ kind: 'permanent' });
          this.log.warn({ ...logContext, status, code }, 'twilio refused the text; not retried');
          return { failure };
        }
        if (attempt >= this.attempts) {
          this.metrics.smsDeliveryFailures.inc({ kind: 'gave_up' });
          this.log.error({ ...logContext, status, code, attempts: attempt }, 'twilio did not take the text after the last retry');
          return { failure };
        }
        this.metrics.smsDeliveryFailures.inc({ kind: 'transient' });
        this.log.warn({ ...logContext, status, code, attempt }, 'twilio failed for now; retrying');
        await new Promise((r) => setTimeout(r, this.backoffMs * 3 ** (attempt - 1)));
      }
    }
  }
}
