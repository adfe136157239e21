import { type Activity, CardFactory, type ChannelAccount, type Middleware, TurnContext } from 'botbuilder';
import type { i18n } from 'i18next';
import type { EventBus } from '../../../events';
import type { Logger } from '../../../log';
import { HANDOFF_CHANNEL, type HandoffEvent } from '../../../handoff/events';
import { HandoffError, type HandoffService } from '../../../handoff/service';
import type { TranscriptStore } from '../../../handoff/transcript';
import type { HandoffRecord, HandoffStore } from '../../../handoff/types';
import type { Accounts } from '../../../handoff/console/accounts';
import type { ConnectorClient } from 'botframework-connector';
import type { ExpiringKeys } from '../../sms/expiringKeys';
import { type AdaptiveCard, goneCard, handoffCard, VERB } from './handoffCard';

/** Where the caseworkers' channel is, captured when the app is installed in their team. */
export interface TeamReference {
  serviceUrl: string;
  tenantId?: string;
  teamId: string;
  /** The channel new handoffs go to: TEAMS_CASEWORKER_CHANNEL, else the team's General channel (its id is the team's). */
  channelId: string;
  bot: ChannelAccount;
  capturedAt: number;
}

/** Where a message goes: the channel's service and the bot's account there. */
type Where = Pick<TeamReference, 'serviceUrl' | 'tenantId' | 'bot'>;

/** One handoff's card in the channel: where it is, and what of it the channel has seen. */
interface PostedCard {
  conversationId: string;
  requestedAt: number;
  channelId: string;
  /** The card's activity id; its thread is `<channelId>;messageid=<activityId>`. */
  activityId: string;
  serviceUrl: string;
  tenantId?: string;
  bot: ChannelAccount;
  /** The handoff record's version the card shows. */
  version: number;
  /** The time of the last user message relayed into the thread. */
  relayedUntil: number;
}

export interface TeamsCaseworkerDeps {
  keys: ExpiringKeys;
  store: HandoffStore;
  service: HandoffService;
  transcript: TranscriptStore;
  accounts: Accounts;
  bus: EventBus;
  i18n: i18n;
  /** The caseworkers' language (the service's default). */
  lng: string;
  publicUrl: string | undefined;
  /** TEAMS_CASEWORKER_CHANNEL. */
  configuredChannel: string | undefined;
  /** The only tenant whose team may become the channel (TEAMS_TENANT_ID or MicrosoftAppTenantId); unset: the first one's. */
  tenantId: string | undefined;
  appId: string;
  /** The Bot Connector client at a serviceUrl, signed as the bot (IntegrationAdapter.connectorClientFor). */
  connector(appId: string, serviceUrl: string): Promise<ConnectorClient>;
  failures?: { inc(labels: { operation: string }): void };
  /** How long a card's bookkeeping is kept (the conversation state's retention). */
  ttlMs: number;
  log: Logger;
  now?: () => number;
}

const TEAM_KEY = 'team';
const MAX_TEXT = 4000;
const MAX_ID = 512;
const LOCK_MS = 15_000;
const THREAD = /^(.*);messageid=(.+)$/;

const cardKey = (id: string) => `card:{${id}}`;
const postedKey = (id: string, requestedAt: number) => `posted:{${id}}:${requestedAt}`;
const lockKey = (id: string) => `lock:{${id}}`;
const dirtyKey = (id: string) => `dirty:{${id}}`;
const threadKey = (threadId: string) => `thread:${threadId}`;

function inTeam(activity: Partial<Activity>): { teamId: string } | undefined {
  if (activity.channelId !== 'msteams') return undefined;
  const team = (activity.channelData as { team?: { id?: unknown } } | undefined)?.team;
  return typeof team?.id === 'string' && team.id !== '' ? { teamId: team.id } : undefined;
}

/**
 * Microsoft Teams as the caseworkers' second console. Each new handoff is posted once (whichever
 * instance wins a SET NX) as an Adaptive Card to the caseworkers' channel; "Assign to me" and
 * "Hand back to bot" (Action.Execute) make the same claim and release as the console; replies in
 * the card's thread go to the user, and the user's messages come into the thread while a
 * caseworker has the conversation. The card follows every handoff event (one instance at a time
 * per conversation, always the newest version).
 */
export class TeamsCaseworkerChannel implements Middleware {
  private unsubscribe: (() => void) | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: TeamsCaseworkerDeps) {}

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private t(key: string, values: Record<string, unknown> = {}): string {
    return this.deps.i18n.t(`caseworker.${key}`, { ns: 'teams', lng: this.deps.lng, ...values });
  }

  private card(record: HandoffRecord, notice?: string): AdaptiveCard {
    return handoffCard(record, { i18n: this.deps.i18n, lng: this.deps.lng, publicUrl: this.deps.publicUrl, now: this.now(), notice });
  }

  /**
   * Listens to the handoff events of every instance. Redis unreachable at start-up does not stop
   * the service (its readiness says so): the subscription is tried again in the background.
   */
  async start(delayMs = 1000): Promise<void> {
    if (this.unsubscribe || this.closed) return;
    try {
      this.unsubscribe = await this.deps.bus.subscribe(HANDOFF_CHANNEL, (message) => this.onEvent(message));
      if (this.closed) return this.unsubscribe();
      // Events published while nobody listened are gone (pub/sub): what is open now gets its card.
      this.catchUp();
    } catch (err) {
      this.deps.log.warn({ err: { message: (err as Error).message } }, 'teams caseworker channel: handoff events not subscribed yet; trying again');
      this.retry = setTimeout(() => void this.start(Math.min(delayMs * 2, 10_000)), delayMs);
      this.retry.unref();
    }
  }

  private onEvent(message: unknown): void {
    const event = message as Partial<HandoffEvent> | null;
    if (!event || typeof event.conversationId !== 'string') return;
    this.track(this.sync(event.conversationId).catch((err: Error) => this.deps.log.warn({ err: { message: err.message }, type: event.type }, 'teams caseworker channel not updated')));
  }

  /** Brings every open handoff's card up to date (after subscribing, after an installation): each is posted once all the same. */
  private catchUp(): void {
    this.track(
      (async () => {
        for (const record of await this.deps.store.open(1000)) await this.sync(record.conversationId);
      })().catch((err: Error) => this.deps.log.warn({ err: { message: err.message } }, 'teams caseworker channel: open handoffs not caught up')),
    );
  }

  private track(run: Promise<void>): void {
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await Promise.allSettled([...this.running]);
    await this.deps.keys.close();
  }

  /** The channel new handoffs go to, if the app is installed in a team. */
  async team(): Promise<TeamReference | undefined> {
    const [raw] = await this.deps.keys.get([TEAM_KEY]);
    return raw ? (JSON.parse(raw) as TeamReference) : undefined;
  }

  // --- turns from Teams ----------------------------------------------------------------------

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const activity = context.activity;
    const team = inTeam(activity);
    if (!team) return next();
    if (activity.type === 'installationUpdate' || activity.type === 'conversationUpdate') {
      await this.captureOrForget(activity, team.teamId);
      return next();
    }
    if (activity.type === 'invoke' && activity.name === 'adaptiveCard/action') {
      const verb = (activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb;
      if (verb === VERB.claim || verb === VERB.release) return this.onCardAction(context, verb);
      return next();
    }
    if (activity.type === 'message') {
      const conversationId = await this.handoffOfThread(activity.conversation?.id);
      if (conversationId) return this.onThreadReply(context, conversationId);
    }
    return next();
  }

  /** Installed in a team (or the bot added to it): keep where to post; uninstalled: forget it. */
  private async captureOrForget(activity: Partial<Activity>, teamId: string): Promise<void> {
    const botId = activity.recipient?.id;
    const added = activity.type === 'installationUpdate' ? activity.action === 'add' || activity.action === 'add-upgrade' : (activity.membersAdded ?? []).some((m) => m.id === botId);
    const removed = activity.type === 'installationUpdate' ? activity.action === 'remove' || activity.action === 'remove-upgrade' : (activity.membersRemoved ?? []).some((m) => m.id === botId);
    if (added && activity.serviceUrl && activity.recipient) {
      const tenantId = ((activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? activity.conversation?.tenantId)?.toLowerCase();
      // Anyone can add a multi-tenant bot to a team of their own tenant: only the municipality's tenant gets the cards.
      const current = await this.team();
      const trusted = this.deps.tenantId ?? current?.tenantId;
      if (trusted !== undefined && tenantId !== trusted) {
        this.deps.log.warn({ teamId }, 'teams install in a team of another tenant: not used as the caseworkers\' channel');
        return;
      }
      const reference: TeamReference = {
        serviceUrl: activity.serviceUrl,
        ...(tenantId ? { tenantId } : {}),
        teamId,
        channelId: this.deps.configuredChannel ?? teamId,
        bot: { id: activity.recipient.id, name: activity.recipient.name },
        capturedAt: this.now(),
      };
      await this.deps.keys.set(TEAM_KEY, JSON.stringify(reference), 0);
      this.deps.log.info({ teamId, configured: this.deps.configuredChannel !== undefined }, 'teams caseworker channel captured');
      // Handoffs already waiting get their cards now.
      if (!current) this.catchUp();
    } else if (removed && (await this.team())?.teamId === teamId) {
      await this.deps.keys.delete([TEAM_KEY]);
      this.deps.log.info({ teamId }, 'teams caseworker channel forgotten (app removed from the team)');
    }
  }

  private async handoffOfThread(conversationId: string | undefined): Promise<string | undefined> {
    if (!conversationId || !THREAD.test(conversationId)) return undefined;
    const [id] = await this.deps.keys.get([threadKey(conversationId)]);
    return id;
  }

  /** "Assign to me" / "Hand back to bot" from the card: the console's own claim and release, answered with the new card. */
  private async onCardAction(context: TurnContext, verb: string): Promise<void> {
    const activity = context.activity;
    const data = (activity.value as { action?: { data?: { conversationId?: unknown } } }).action?.data;
    const conversationId = typeof data?.conversationId === 'string' && data.conversationId.length <= MAX_ID ? data.conversationId : '';
    const record = conversationId ? await this.deps.store.get(conversationId) : undefined;
    if (!record) return this.answerInvoke(context, goneCard({ i18n: this.deps.i18n, lng: this.deps.lng }));
    const aadId = activity.from?.aadObjectId;
    const account = await this.deps.accounts.findByTeamsAadId(aadId);
    if (!account) {
      this.deps.log.info({ conversationId, verb }, 'teams card action refused: no caseworker account for this Teams user');
      return this.answerInvoke(context, this.card(record, this.t('not_linked', { id: aadId ?? '?' })));
    }
    try {
      const changed =
        verb === VERB.claim ? await this.deps.service.claim(conversationId, account.user) : await this.deps.service.release(conversationId, account.role === 'admin' ? undefined : account.user);
      return this.answerInvoke(context, this.card(changed));
    } catch (err) {
      const current = (err instanceof HandoffError ? err.record : undefined) ?? (await this.deps.store.get(conversationId));
      if (!(err instanceof HandoffError)) {
        // Done in the store, but the person could not be told (their channel failed): the card shows where it stands.
        this.deps.log.warn({ err: { message: (err as Error).message }, conversationId, verb }, 'teams card action: the user could not be told');
        return this.answerInvoke(context, current ? this.card(current, this.t('not_delivered')) : goneCard({ i18n: this.deps.i18n, lng: this.deps.lng }));
      }
      if (!current) return this.answerInvoke(context, goneCard({ i18n: this.deps.i18n, lng: this.deps.lng }));
      const notice = current.state === 'assigned' && current.owner !== account.user ? this.t(verb === VERB.claim ? 'taken_by_colleague' : 'only_owner', { name: current.owner }) : undefined;
      return this.answerInvoke(context, this.card(current, notice));
    }
  }

  /** The invoke's answer: 200 with the card that replaces the old one for the person who acted. */
  private async answerInvoke(context: TurnContext, card: AdaptiveCard): Promise<void> {
    await context.sendActivity({ type: 'invokeResponse', value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card } } });
  }

  /** A caseworker's message in a handoff card's thread: to the user when they have the conversation, else a short notice. */
  private async onThreadReply(context: TurnContext, conversationId: string): Promise<void> {
    const activity = context.activity;
    if (activity.entities?.some((e) => e.type === 'mention')) TurnContext.removeRecipientMention(activity);
    const text = (activity.text ?? '').trim();
    if (!text) return;
    const notice = (key: string, values: Record<string, unknown> = {}) => context.sendActivity({ type: 'message', text: this.t(key, values), textFormat: 'plain' }).then(() => undefined);
    const account = await this.deps.accounts.findByTeamsAadId(activity.from?.aadObjectId);
    if (!account) return notice('not_linked', { id: activity.from?.aadObjectId ?? '?' });
    const record = await this.deps.store.get(conversationId);
    if (!record || (record.state !== 'assigned' && record.state !== 'queued')) return notice('not_open');
    if (record.state === 'queued') return notice('take_first');
    if (record.owner !== account.user) return notice('only_owner', { name: record.owner });
    if (text.length > MAX_TEXT) return notice('too_long', { max: MAX_TEXT });
    try {
      await this.deps.service.reply(conversationId, account.user, text);
    } catch (err) {
      this.deps.log.warn({ err: { message: (err as Error).message }, conversationId }, 'reply from teams not delivered');
      return notice('not_delivered');
    }
  }

  // --- the channel following the handoffs -----------------------------------------------------

  /**
   * Brings the channel up to date with one handoff: the card posted (once), updated to the newest
   * version, and the user's new messages relayed into its thread. One instance at a time per
   * conversation; a caller that finds it busy leaves a "dirty" mark, which the holder picks up.
   */
  async sync(conversationId: string): Promise<void> {
    const { keys } = this.deps;
    // Not installed in a team and no card of this handoff: nothing to do (one read).
    const [team, card] = await keys.get([TEAM_KEY, cardKey(conversationId)]);
    if (!team && !card) return;
    for (let round = 0; round < 5; round++) {
      await keys.set(dirtyKey(conversationId), '1', LOCK_MS);
      if (!(await keys.setIfAbsent(lockKey(conversationId), '1', LOCK_MS))) return;
      try {
        await keys.delete([dirtyKey(conversationId)]);
        await this.syncLocked(conversationId);
      } finally {
        await keys.delete([lockKey(conversationId)]);
      }
      const [dirty] = await keys.get([dirtyKey(conversationId)]);
      if (!dirty) return;
    }
  }

  private async syncLocked(conversationId: string): Promise<void> {
    const record = await this.deps.store.get(conversationId);
    const [raw] = await this.deps.keys.get([cardKey(conversationId)]);
    let posted = raw ? (JSON.parse(raw) as PostedCard) : undefined;
    if (!record) {
      // Erased ("delete my data"): the card says so and offers nothing more.
      if (posted) {
        await this.update(posted, goneCard({ i18n: this.deps.i18n, lng: this.deps.lng }));
        await this.deps.keys.delete([cardKey(conversationId)]);
      }
      return;
    }
    let fresh = false;
    if (!posted || posted.requestedAt !== record.requestedAt) {
      if (record.state !== 'queued') return;
      posted = await this.post(record);
      if (!posted) return;
      fresh = true;
    }
    const card = posted;
    try {
      if (!fresh && record.version > card.version) {
        await this.update(card, this.card(record));
        card.version = record.version;
      }
      if (record.state === 'assigned') await this.relayUserMessages(record, card);
    } finally {
      // What was done is kept even when a later call failed: nothing is posted twice.
      await this.deps.keys.set(cardKey(conversationId), JSON.stringify(card), this.deps.ttlMs);
    }
  }

  /** Posts a new handoff's card as a new thread in the channel, unless another instance has (SET NX). */
  private async post(record: HandoffRecord): Promise<PostedCard | undefined> {
    const team = await this.team();
    if (!team) {
      this.deps.log.debug({ conversationId: record.conversationId }, 'no teams caseworker channel: the app is not installed in a team');
      return undefined;
    }
    if (!(await this.deps.keys.setIfAbsent(postedKey(record.conversationId, record.requestedAt), '1', this.deps.ttlMs))) return undefined;
    const target = { channelId: team.channelId, serviceUrl: team.serviceUrl, tenantId: team.tenantId, bot: team.bot };
    let activityId = '';
    try {
      activityId = await this.send('post', target, team.channelId, { attachments: [CardFactory.adaptiveCard(this.card(record))] });
    } catch (err) {
      // Not posted after the retries: the next event of this handoff may try again.
      await this.deps.keys.delete([postedKey(record.conversationId, record.requestedAt)]);
      throw err;
    }
    if (!activityId) return undefined;
    const posted: PostedCard = { conversationId: record.conversationId, requestedAt: record.requestedAt, ...target, activityId, version: record.version, relayedUntil: record.claimedAt ?? record.requestedAt };
    await this.deps.keys.set(threadKey(`${team.channelId};messageid=${activityId}`), record.conversationId, this.deps.ttlMs);
    this.deps.log.info({ conversationId: record.conversationId }, 'handoff posted to the teams caseworker channel');
    return posted;
  }

  /** The user's messages since the last relayed one (and since the claim), into the card's thread. */
  private async relayUserMessages(record: HandoffRecord, posted: PostedCard): Promise<void> {
    const since = Math.max(posted.relayedUntil, record.claimedAt ?? 0);
    const entries = (await this.deps.transcript.read(record.conversationId)).filter((e) => e.from === 'user' && e.at > since);
    const thread = `${posted.channelId};messageid=${posted.activityId}`;
    for (const entry of entries) {
      await this.send('relay', posted, thread, { text: `${this.t('user_says')}: ${entry.text}`, textFormat: 'plain' });
      posted.relayedUntil = entry.at;
    }
  }

  /** A new message in the channel (a new thread: sendToConversation) or in a thread; returns its id. */
  private async send(operation: string, where: Where, conversationId: string, fields: Partial<Activity>): Promise<string> {
    const sent = await this.connectorCall(operation, where, (client) => client.conversations.sendToConversation(conversationId, this.activity(where, conversationId, fields)));
    return sent.id ?? '';
  }

  /** Replaces a posted card (the Connector's updateActivity). */
  private async update(posted: PostedCard, card: AdaptiveCard): Promise<void> {
    await this.connectorCall('update', posted, (client) =>
      client.conversations.updateActivity(posted.channelId, posted.activityId, { ...this.activity(posted, posted.channelId, { attachments: [CardFactory.adaptiveCard(card)] }), id: posted.activityId }),
    );
  }

  private activity(where: Where, conversationId: string, fields: Partial<Activity>): Activity {
    return {
      type: 'message',
      channelId: 'msteams',
      serviceUrl: where.serviceUrl,
      from: where.bot,
      conversation: { id: conversationId, isGroup: true, conversationType: 'channel', name: '', ...(where.tenantId ? { tenantId: where.tenantId } : {}) },
      ...fields,
    } as Activity;
  }

  /**
   * One Bot Connector call, outside any turn (no conversation's lock, no middleware). The client
   * retries 429 and 5xx itself (waiting Retry-After; see bot_connector_transient_responses_total);
   * what still fails is counted here.
   */
  private async connectorCall<T>(operation: string, where: Where, call: (client: ConnectorClient) => Promise<T>): Promise<T> {
    try {
      return await call(await this.deps.connector(this.deps.appId, where.serviceUrl));
    } catch (err) {
      this.deps.failures?.inc({ operation });
      throw err;
    }
  }
}
