import { randomBytes } from 'node:crypto';
import type { Activity, ActivityHandler, ChannelAccount, CloudAdapter, ConversationAccount } from 'botbuilder';
import { errorForLog, hashForLog, type Logger } from '../../log';
import type { Metrics } from '../../metrics';
import { lazyLogger, withRequestLog } from '../../requestLog';
import { type DirectLineLog, type ActivitySet, type PostResult, UnknownConversationError } from './activityLog';
import type { SelfHostedConnector } from './connector';
import { activityFieldProblem } from '../../server/activityShape';
import { DirectLineError, conversationNotFound } from './errors';
import { CHANNEL_ID_DIRECTLINE, MAX_ACTIVITY_CHARS_DIRECTLINE, isValidConversationId } from './limits';
import { type DirectLineTokens, type TokenClaims } from './tokens';

const CHANNEL_ID = CHANNEL_ID_DIRECTLINE;
const MAX_ACTIVITY_CHARS = MAX_ACTIVITY_CHARS_DIRECTLINE;

export interface ChannelDeps {
  log: DirectLineLog;
  tokens: DirectLineTokens;
  connector: SelfHostedConnector;
  adapter: CloudAdapter;
  bot: ActivityHandler;
  logger: Logger;
  metrics: Metrics;
  postsPerMinute: number;
  /** How long a token may have been expired and still be renewed by the page (the retention time). */
  renewGraceSeconds: number;
  botId: string;
  /** Counts turns in flight (graceful shutdown waits for them). */
  turns: { inFlight: number };
}

/** Who is calling: a user token (one conversation) or the server's secret (any). */
export type Caller = { kind: 'secret' } | { kind: 'user'; claims: TokenClaims };

function newId(bytes: number): string {
  return randomBytes(bytes).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x');
}

const isValidId = isValidConversationId;

/** A user token is good for its own conversation only (403 otherwise). */
function checkScope(caller: Caller, conversationId: string): void {
  if (caller.kind === 'user' && caller.claims.conversationId !== conversationId) {
    throw new DirectLineError(403, 'WrongConversation', 'The token belongs to another conversation.');
  }
}

/**
 * The self-hosted Direct Line channel without HTTP: conversations, tokens, posting to the bot
 * in-process through the CloudAdapter, and reading the activity log.
 */
export class DirectLineChannel {
  constructor(private readonly deps: ChannelDeps) {}

  get log(): DirectLineLog {
    return this.deps.log;
  }

  /** Checks an `Authorization` bearer value: the server's secret or a valid user token. */
  caller(token: string | undefined): Caller {
    if (this.deps.tokens.isSecret(token)) return { kind: 'secret' };
    const check = this.deps.tokens.verify(token);
    if (!check.ok) {
      if (check.reason === 'missing') throw new DirectLineError(401, 'MissingToken', 'Send a token: Authorization: Bearer <token>.');
      if (check.reason === 'expired') throw new DirectLineError(403, 'TokenExpired', 'The token has expired. Get a new one from POST /api/directline/token.');
      throw new DirectLineError(403, 'InvalidToken', 'The token is not valid for this service.');
    }
    if (check.claims.kind !== 'user') throw new DirectLineError(403, 'InvalidToken', 'This token cannot be used by a Direct Line client.');
    return { kind: 'user', claims: check.claims };
  }

  /** The conversation exists (was started and has not expired). */
  async exists(conversationId: string): Promise<boolean> {
    return isValidId(conversationId) && (await this.deps.log.getConversation(conversationId)) !== undefined;
  }

  /** The conversation exists (404 otherwise) and the caller may use it (403 otherwise). */
  async authorize(caller: Caller, conversationId: string): Promise<void> {
    if (!(await this.exists(conversationId))) throw conversationNotFound();
    checkScope(caller, conversationId);
  }

  /** A token for a new conversation (not started yet: the client starts it). */
  newConversationToken(userId?: string): { conversationId: string; token: string; expires_in: number; userId: string } {
    const conversationId = newId(18);
    const user = userId && isValidId(userId) ? userId : `dl_${newId(12)}`;
    const token = this.deps.tokens.issue({ kind: 'user', conversationId, userId: user });
    return { conversationId, token, expires_in: this.expiresIn(token), userId: user };
  }

  /** A token for an existing conversation's user (for callers with the secret: never hand the secret back). */
  async tokenFor(conversationId: string): Promise<string> {
    const record = await this.deps.log.getConversation(conversationId);
    if (!record) throw conversationNotFound();
    return this.deps.tokens.issue({ kind: 'user', conversationId, userId: record.userId });
  }

  /** A fresh token with the same scope. */
  renew(claims: TokenClaims): { conversationId: string; token: string; expires_in: number } {
    const token = this.deps.tokens.issue({ kind: 'user', conversationId: claims.conversationId, userId: claims.userId });
    return { conversationId: claims.conversationId, token, expires_in: this.expiresIn(token) };
  }

  /**
   * The claims of a token the page may renew: authentic and either valid or expired for less than
   * the retention time (a newcomer comes back the next day), and its conversation still exists.
   */
  async renewable(token: string | undefined): Promise<TokenClaims> {
    const check = this.deps.tokens.verify(token);
    if (check.ok && check.claims.kind === 'user') return check.claims;
    if (!check.ok && check.reason === 'expired') {
      const expired = this.deps.tokens.verifyIgnoringExpiry(token as string);
      if (expired && expired.kind === 'user' && expired.exp * 1000 + this.deps.renewGraceSeconds * 1000 > Date.now()) return expired;
      throw new DirectLineError(403, 'TokenExpired', 'The token expired too long ago. Start a new conversation.');
    }
    if (!check.ok && check.reason === 'missing') throw new DirectLineError(401, 'MissingToken', 'Send a token: Authorization: Bearer <token>.');
    throw new DirectLineError(403, 'InvalidToken', 'The token is not valid for this service.');
  }

  private expiresIn(token: string): number {
    const check = this.deps.tokens.verify(token);
    return check.ok ? this.deps.tokens.expiresIn(check.claims) : 0;
  }

  /**
   * Starts the conversation of a token (or a new one for the secret): true when it is new, and then
   * the bot has been told the user joined (its welcome is in the log). `beforeCreate` runs (and may
   * refuse, e.g. a rate limit) only when a conversation is about to be created.
   */
  async start(
    caller: Caller,
    serviceUrl: string,
    body: { user?: { id?: unknown }; locale?: unknown },
    beforeCreate: () => Promise<void> = async () => undefined,
  ): Promise<{ conversationId: string; token: string; created: boolean; userId: string }> {
    let conversationId: string;
    let userId: string;
    let token: string;
    if (caller.kind === 'secret') {
      const fresh = this.newConversationToken(typeof body.user?.id === 'string' ? body.user.id : undefined);
      ({ conversationId, userId, token } = fresh);
    } else {
      conversationId = caller.claims.conversationId;
      userId = caller.claims.userId;
      token = this.renew(caller.claims).token;
    }
    if (caller.kind === 'secret' || !(await this.exists(conversationId))) await beforeCreate();
    const created = await this.deps.log.createConversation({ conversationId, userId, createdAt: Date.now() });
    if (created) {
      const locale = typeof body.locale === 'string' && body.locale.length <= 20 ? body.locale : undefined;
      await this.runTurn(
        {
          type: 'conversationUpdate',
          membersAdded: [{ id: userId } as ChannelAccount],
          from: { id: userId } as ChannelAccount,
          ...(locale ? { locale } : {}),
        },
        conversationId,
        serviceUrl,
      );
    }
    return { conversationId, token, created, userId };
  }

  /**
   * Posts a user's activity: logged (the client sees its echo), then given to the bot. Everything
   * that needs no store is checked first; then one call of the log checks that the conversation
   * exists, counts the post against the rate limit and appends it.
   */
  async post(caller: Caller, conversationId: string, body: unknown, serviceUrl: string): Promise<{ id: string }> {
    if (!isValidId(conversationId)) throw conversationNotFound();
    checkScope(caller, conversationId);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new DirectLineError(400, 'BadArgument', 'The body must be a JSON activity.');
    }
    const incoming = body as Partial<Activity> & Record<string, unknown>;
    if (typeof incoming.type !== 'string' || incoming.type === '') throw new DirectLineError(400, 'BadArgument', 'The activity needs a "type".');
    const wrongType = activityFieldProblem(incoming);
    if (wrongType) throw new DirectLineError(400, 'BadArgument', wrongType);
    if (JSON.stringify(incoming).length > MAX_ACTIVITY_CHARS) {
      throw new DirectLineError(413, 'MessageSizeTooBig', `The activity is larger than ${MAX_ACTIVITY_CHARS} characters.`);
    }
    const givenFrom = (incoming.from ?? {}) as { id?: unknown };
    const userId = caller.kind === 'user' ? caller.claims.userId : typeof givenFrom.id === 'string' ? givenFrom.id : '';
    if (!userId) throw new DirectLineError(400, 'BadArgument', 'The activity needs "from.id".');
    // The client's own from.name is never taken: nobody may call themselves "Caseworker".
    const from = { id: userId, role: 'user' } as ChannelAccount;

    const fields: Partial<Activity> = { ...incoming };
    delete fields.serviceUrl;
    delete fields.id;
    const logged: Partial<Activity> = {
      ...fields,
      from,
      channelId: CHANNEL_ID,
      conversation: { id: conversationId } as ConversationAccount,
      timestamp: new Date().toISOString() as unknown as Date,
    };
    let result: PostResult;
    try {
      result = await this.deps.log.appendPost(conversationId, logged, { limit: this.deps.postsPerMinute, windowMs: 60_000 });
    } catch (err) {
      if (err instanceof UnknownConversationError) throw conversationNotFound();
      throw err;
    }
    if (!result.appended) {
      throw new DirectLineError(429, 'TooManyRequests', 'Too many messages in this conversation. Wait a moment.', Math.max(1, Math.ceil(result.retryAfterMs / 1000)));
    }
    await this.runTurn({ ...logged, id: result.id }, conversationId, serviceUrl);
    return { id: result.id };
  }

  /** The activities after `watermark`, with the new watermark as Direct Line's string. */
  async activities(conversationId: string, watermark: number): Promise<{ activities: Partial<Activity>[]; watermark: string }> {
    const set: ActivitySet = await this.deps.log.read(conversationId, watermark);
    return { activities: set.activities, watermark: String(set.watermark) };
  }

  /** Runs one turn of the bot in-process; its replies come back through the connector endpoints. */
  private async runTurn(fields: Partial<Activity>, conversationId: string, serviceUrl: string): Promise<void> {
    const activity = {
      ...fields,
      id: fields.id ?? `${conversationId}|start`,
      channelId: CHANNEL_ID,
      serviceUrl,
      conversation: { id: conversationId } as ConversationAccount,
      recipient: { id: this.deps.botId, role: 'bot' },
      timestamp: new Date(),
    } as Activity;
    if (typeof fields.timestamp === 'string') activity.timestamp = new Date(fields.timestamp);
    const turnLog = lazyLogger(() => this.deps.logger.child({ reqId: hashForLog(activity.id ?? ''), channel: CHANNEL_ID, type: activity.type }));
    const endTimer = this.deps.metrics.turnDuration.startTimer();
    this.deps.turns.inFlight += 1;
    try {
      await withRequestLog(turnLog, () => this.deps.adapter.processActivityDirect(this.deps.connector.authenticated(), activity, (ctx) => this.deps.bot.run(ctx)));
      this.deps.metrics.turns.inc({ channel: CHANNEL_ID, type: activity.type });
    } catch (err) {
      this.deps.metrics.errors.inc({ where: 'directline' });
      turnLog().error({ err: errorForLog(err, [conversationId, activity.from?.id]) }, 'direct line turn failed');
      throw new DirectLineError(502, 'BotError', 'The bot could not process the activity.');
    } finally {
      this.deps.turns.inFlight -= 1;
      endTimer();
    }
  }
}
