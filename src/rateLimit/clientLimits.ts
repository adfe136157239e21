import type { IncomingMessage } from 'node:http';
import type { ProtectionConfig } from '../config';
import { clientAddress, rateSubject } from '../server/clientAddress';
import type { RateLimiter } from './rateLimiter';

/** A request over a limit: 429 with Retry-After. */
export class RateLimitedError extends Error {
  readonly status = 429;
  readonly code = 'TooManyRequests';
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
    this.name = 'RateLimitedError';
  }
}

const MINUTE = 60_000;

/**
 * The limits of the routes anyone may call without an account: per client address (IPv6: per /64)
 * for what creates a conversation or a token, per conversation for token renewals. Counted in the
 * shared limiter, so they hold across instances.
 */
export class ClientLimits {
  constructor(private readonly limiter: RateLimiter, private readonly protection: ProtectionConfig) {}

  /** The address a request counts against (X-Forwarded-For only behind TRUST_PROXY proxies). */
  subjectOf(req: IncomingMessage): string {
    return rateSubject(clientAddress(req, this.protection.trustProxy));
  }

  /** One more conversation started by the request's client. */
  newConversation(req: IncomingMessage): Promise<void> {
    return this.count(`conv:${this.subjectOf(req)}`, this.protection.newConversationsPerMinute, 'Too many new conversations from your address. Wait a moment.');
  }

  /** One more token asked for by the request's client. */
  token(req: IncomingMessage): Promise<void> {
    return this.count(`token:${this.subjectOf(req)}`, this.protection.tokensPerMinute, 'Too many token requests from your address. Wait a moment.');
  }

  /** One more renewal of a conversation's token. */
  renewal(conversationId: string): Promise<void> {
    return this.count(`renew:${conversationId}`, this.protection.tokenRenewalsPerMinute, 'This conversation\'s token was renewed too often. Wait a moment.');
  }

  private async count(bucket: string, limit: number, message: string): Promise<void> {
    const decision = await this.limiter.hit(bucket, limit, MINUTE);
    if (!decision.allowed) throw new RateLimitedError(message, Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
  }
}
