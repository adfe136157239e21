import { type Activity, EventFactory, type ConversationReference, TurnContext, type Transcript } from 'botbuilder';
import type { i18n } from 'i18next';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import { render } from '../channels/render';
import { HANDOFF_CHANNEL, type HandoffEvent } from './events';
import type { HandoffMetrics } from './metrics';
import type { OfficeHours } from './officeHours';
import { transitions } from './transitions';
import type { TranscriptEntry, TranscriptStore } from './transcript';
import type { TranscriptRecorder } from './transcriptRecorder';
import type { HandoffPriority, HandoffProfile, HandoffRecord, HandoffStore, HandoffTrigger, TransitionResult } from './types';

export const HANDOFF_NS = 'handoff';

/** What asks for a person: the engine (a path's handoff node, the "person" command), the router (after a safety alarm), anything else. */
export interface HandoffAsk {
  topic: string;
  reason: string;
  trigger: HandoffTrigger;
  priority?: HandoffPriority;
}

export interface HandoffServiceDeps {
  store: HandoffStore;
  transcript: TranscriptStore;
  recorder: TranscriptRecorder;
  bus: EventBus;
  i18n: i18n;
  /** The adapter's proactive entry point (CloudAdapter.continueConversationAsync). */
  continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void>;
  localeOf(context: TurnContext): Promise<string>;
  profileOf(context: TurnContext): Promise<HandoffProfile>;
  /** Lets the bot take over again in a proactive turn: it answers at the main menu. */
  resumeBot(context: TurnContext): Promise<void>;
  officeHours: OfficeHours;
  claimTimeoutMs: number;
  metrics: HandoffMetrics;
  log: Logger;
  /** Channels that get Bot Framework's handoff.initiate / handoff.status events (an external contact centre listens there). */
  eventChannels: ReadonlySet<string>;
  now?: () => number;
}

export class HandoffError extends Error {
  constructor(readonly code: 'not_found' | 'conflict' | 'forbidden', message: string, readonly record?: HandoffRecord) {
    super(message);
    this.name = 'HandoffError';
  }
}

/**
 * The handoff: queues a conversation for a caseworker (the one entry point, `request`, for every
 * trigger), relays the user's messages while a person has it, delivers the caseworker's replies on
 * the user's own channel from any instance, and hands back to the bot. Tells the user, in their
 * language, who answers and what happens next; never leaves them without an answer.
 */
export class HandoffService {
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly deps: HandoffServiceDeps) {}

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private t(key: string, lng: string, values: Record<string, unknown> = {}): string {
    return this.deps.i18n.t(key, { ns: HANDOFF_NS, lng, ...values });
  }

  private async publish(event: Omit<HandoffEvent, 'at'>): Promise<void> {
    try {
      await this.deps.bus.publish(HANDOFF_CHANNEL, { ...event, at: this.now() } satisfies HandoffEvent);
    } catch (err) {
      this.deps.log.warn({ err: { message: (err as Error).message }, type: event.type }, 'handoff event not published');
    }
  }

  /**
   * Asks for a person for the conversation of this turn; returns true when a caseworker's queue
   * has it (now or already). Tells the user what happens next.
   */
  async request(context: TurnContext, ask: HandoffAsk): Promise<boolean> {
    const activity = context.activity;
    const conversationId = activity.conversation?.id;
    if (!conversationId) return false;
    const lng = await this.deps.localeOf(context);
    const now = this.now();
    const priority = ask.priority ?? 'normal';
    const result = await this.deps.store.transition(
      conversationId,
      transitions.request(
        {
          conversationId,
          priority,
          topic: ask.topic,
          reason: ask.reason,
          trigger: ask.trigger,
          language: lng,
          channel: activity.channelId,
          profile: await this.deps.profileOf(context),
          reference: TurnContext.getConversationReference(activity),
          requestedAt: now,
        },
        now,
      ),
      now,
    );
    await this.deps.recorder.flush(context);
    if (!result.ok) {
      if (!result.record || (result.record.state !== 'queued' && result.record.state !== 'assigned')) return false;
      if (priority === 'urgent' && result.record.priority !== 'urgent') {
        await this.deps.store.transition(conversationId, transitions.urgent(), now);
        await this.publish({ type: 'urgent', conversationId });
      }
      await this.say(context, 'handoff.already', lng, this.t('already', lng), true);
      return true;
    }
    this.deps.metrics.requests.inc({ trigger: ask.trigger, topic: ask.topic, language: lng, priority });
    this.deps.log.info({ conversationId, trigger: ask.trigger, topic: ask.topic, language: lng, priority }, 'handoff queued');
    await this.publish({ type: 'queued', conversationId });
    await this.say(context, 'handoff.queued', lng, `${this.t('queued', lng)}\n\n${this.whenLine(lng)}`, true);
    await this.emitInitiate(context, result.record);
    return true;
  }

  /** The sentence that says when a person will answer: now, at the office hours, or no promise. */
  private whenLine(lng: string): string {
    const open = this.deps.officeHours.isOpen(new Date(this.now()));
    if (open === undefined) return this.t('when_unknown', lng);
    return open ? this.t('when_open', lng) : this.t('when_closed', lng, { hours: this.deps.officeHours.text });
  }

  private async say(context: TurnContext, node: string, lng: string, text: string, withChoices = false): Promise<void> {
    const choices = withChoices ? [this.t('labels.position', lng), this.t('labels.cancel', lng)] : undefined;
    // The router reads the answer to these buttons (awaiting: the message's own node).
    await context.sendActivity(render(context.activity.channelId, { node, locale: lng, text, choices, awaiting: withChoices ? node : undefined }) as Partial<Activity>);
  }

  private async emitInitiate(context: TurnContext, record: HandoffRecord): Promise<void> {
    if (!this.deps.eventChannels.has(context.activity.channelId)) return;
    try {
      const entries = await this.deps.transcript.read(record.conversationId, 200);
      const transcript: Transcript = { activities: entries.map((e) => transcriptActivity(e, record) as Activity) };
      const handoffContext: Partial<HandoffRecord> = { ...record };
      delete handoffContext.reference;
      await context.sendActivity(EventFactory.createHandoffInitiation(context, handoffContext, transcript));
    } catch (err) {
      this.deps.log.warn({ err: { message: (err as Error).message } }, 'handoff.initiate not delivered');
    }
  }

  /** A user's message while queued or with a caseworker: stored (transcript), announced, acknowledged while nobody has it yet. */
  async relay(context: TurnContext, record: HandoffRecord): Promise<void> {
    await this.deps.recorder.flush(context);
    await this.deps.store.reindex(record);
    this.deps.metrics.relayed.inc({ direction: 'to_caseworker' });
    await this.publish({ type: 'message', conversationId: record.conversationId, owner: record.owner ?? undefined });
    if (record.state !== 'queued') return;
    const lng = await this.deps.localeOf(context);
    if (await this.timedOut(record)) {
      await this.say(context, 'handoff.timeout', lng, `${this.t('timeout', lng)}\n\n${this.whenLine(lng)}`, true);
      return;
    }
    await this.say(context, 'handoff.saved', lng, this.t('saved', lng), true);
  }

  /** Whether nobody claimed `record` in time and the user has not been told yet (marks it told). */
  private async timedOut(record: HandoffRecord): Promise<boolean> {
    if (record.state !== 'queued' || record.timeoutNotified || this.now() - record.requestedAt < this.deps.claimTimeoutMs) return false;
    const marked = await this.deps.store.transition(record.conversationId, transitions.timeoutNotified(), this.now());
    if (!marked.ok) return false;
    this.deps.metrics.timedOut.inc();
    await this.publish({ type: 'timeout', conversationId: record.conversationId });
    return true;
  }

  /** The user's place in the queue (1 = next), or undefined when a caseworker already has it. */
  async position(conversationId: string): Promise<number | undefined> {
    const open = await this.deps.store.open(1000);
    const queued = open.filter((r) => r.state === 'queued');
    const index = queued.findIndex((r) => r.conversationId === conversationId);
    return index >= 0 ? index + 1 : undefined;
  }

  async tellPosition(context: TurnContext, record: HandoffRecord): Promise<void> {
    const lng = await this.deps.localeOf(context);
    const position = record.state === 'queued' ? await this.position(record.conversationId) : undefined;
    const text = position !== undefined ? this.t('position', lng, { position }) : this.t('position_assigned', lng);
    await this.say(context, 'handoff.position', lng, text, true);
  }

  /** The user goes back to the bot; the bot answers at the main menu in the same turn. */
  async cancel(context: TurnContext, record: HandoffRecord): Promise<boolean> {
    const result = await this.deps.store.transition(record.conversationId, transitions.cancel(), this.now());
    if (!result.ok) return false;
    const lng = await this.deps.localeOf(context);
    await this.publish({ type: 'cancelled', conversationId: record.conversationId });
    await this.say(context, 'handoff.cancelled', lng, this.t('cancelled', lng));
    await this.emitStatus(context, 'completed');
    return true;
  }

  /** After a safety alarm: already with a person → urgent and announced; else offer a person first. */
  async afterSafetyAlarm(context: TurnContext, language?: string): Promise<void> {
    const conversationId = context.activity.conversation?.id;
    if (!conversationId) return;
    const record = await this.deps.store.get(conversationId);
    if (record && (record.state === 'queued' || record.state === 'assigned')) {
      await this.deps.store.transition(conversationId, transitions.urgent(), this.now());
      await this.deps.recorder.flush(context);
      await this.publish({ type: 'urgent', conversationId, owner: record.owner ?? undefined });
      return;
    }
    const lng = language ?? (await this.deps.localeOf(context));
    await context.sendActivity(render(context.activity.channelId, { node: 'handoff.offer_urgent', locale: lng, text: this.t('offer_urgent', lng), choices: [this.t('labels.urgent', lng)] }) as Partial<Activity>);
  }

  // --- the caseworker's side (console API, any instance) ---------------------------------------

  async get(conversationId: string): Promise<HandoffRecord> {
    const record = await this.deps.store.get(conversationId);
    if (!record) throw new HandoffError('not_found', 'No handoff for this conversation.');
    return record;
  }

  private checked(result: TransitionResult, what: string): HandoffRecord {
    if (result.ok) return result.record;
    if (result.reason === 'unknown' || !result.record) throw new HandoffError('not_found', 'No handoff for this conversation.');
    if (result.reason === 'owner') throw new HandoffError('forbidden', `Another caseworker (${result.record.owner}) has this conversation.`, result.record);
    if (what === 'claim' && result.record.state === 'assigned') throw new HandoffError('conflict', `A colleague (${result.record.owner}) has already taken this conversation.`, result.record);
    throw new HandoffError('conflict', `The conversation is ${result.record.state}; it cannot be ${what}ed now.`, result.record);
  }

  async claim(conversationId: string, caseworker: string): Promise<HandoffRecord> {
    const now = this.now();
    const record = this.checked(await this.deps.store.transition(conversationId, transitions.claim(caseworker, now), now), 'claim');
    this.deps.metrics.timeToClaim.observe(Math.max(0, now - record.requestedAt) / 1000);
    await this.publish({ type: 'claimed', conversationId, by: caseworker, owner: caseworker });
    await this.toUser(record, async (ctx, lng) => {
      await ctx.sendActivity(this.userMessage(ctx, 'handoff.claimed', lng, this.t('claimed', lng, { name: caseworker })));
      await this.emitStatus(ctx, 'accepted');
    });
    return record;
  }

  /** A caseworker's reply, on the user's own channel; only the owner may write. */
  async reply(conversationId: string, caseworker: string, text: string): Promise<void> {
    const record = await this.get(conversationId);
    if (record.state !== 'assigned') throw new HandoffError('conflict', 'Take the conversation ("assign to me") before you reply.', record);
    if (record.owner !== caseworker) throw new HandoffError('forbidden', `Another caseworker (${record.owner}) has this conversation.`, record);
    await this.toUser(record, async (ctx, lng) => {
      await ctx.sendActivity({ ...this.userMessage(ctx, 'handoff.caseworker', lng, this.t('caseworker_says', lng, { name: caseworker, text })), channelData: { node: 'handoff.caseworker', caseworker } });
    });
    this.deps.metrics.relayed.inc({ direction: 'to_user' });
    await this.publish({ type: 'reply', conversationId, by: caseworker, owner: caseworker });
  }

  async transfer(conversationId: string, caseworker: string | undefined, to: string): Promise<HandoffRecord> {
    const record = this.checked(await this.deps.store.transition(conversationId, transitions.transfer(caseworker, to), this.now()), 'transferr');
    await this.publish({ type: 'transferred', conversationId, by: caseworker, owner: to });
    await this.toUser(record, async (ctx, lng) => {
      await ctx.sendActivity(this.userMessage(ctx, 'handoff.transferred', lng, this.t('transferred', lng, { name: to })));
    });
    return record;
  }

  /** Hand back to the bot: the user is told, and the bot answers at the main menu. */
  async release(conversationId: string, caseworker: string | undefined): Promise<HandoffRecord> {
    const record = this.checked(await this.deps.store.transition(conversationId, transitions.release(caseworker), this.now()), 'releas');
    await this.publish({ type: 'released', conversationId, by: caseworker });
    await this.toUser(record, async (ctx, lng) => {
      await ctx.sendActivity(this.userMessage(ctx, 'handoff.released', lng, this.t('released', lng)));
      await this.emitStatus(ctx, 'completed');
      await this.deps.resumeBot(ctx);
    });
    return record;
  }

  async close(conversationId: string, caseworker: string | undefined): Promise<HandoffRecord> {
    const record = this.checked(await this.deps.store.transition(conversationId, transitions.close(caseworker), this.now()), 'clos');
    await this.publish({ type: 'closed', conversationId, by: caseworker });
    await this.toUser(record, async (ctx, lng) => {
      await ctx.sendActivity(this.userMessage(ctx, 'handoff.closed', lng, this.t('closed', lng)));
      await this.emitStatus(ctx, 'completed');
      await this.deps.resumeBot(ctx);
    });
    return record;
  }

  async addNote(conversationId: string, caseworker: string, text: string): Promise<void> {
    await this.get(conversationId);
    await this.deps.store.addNote(conversationId, { at: this.now(), author: caseworker, text });
    await this.publish({ type: 'note', conversationId, by: caseworker });
  }

  async details(conversationId: string): Promise<{ record: HandoffRecord; transcript: TranscriptEntry[]; notes: Awaited<ReturnType<HandoffStore['notes']>>; path: string[]; position?: number }> {
    const record = await this.get(conversationId);
    const [transcript, notes, position] = await Promise.all([this.deps.transcript.read(conversationId), this.deps.store.notes(conversationId), record.state === 'queued' ? this.position(conversationId) : undefined]);
    return { record, transcript, notes, path: pathOf(transcript), position };
  }

  async queue(): Promise<HandoffRecord[]> {
    return this.deps.store.open();
  }

  /** "Delete my data": the handoff record, its notes and the transcript. */
  async erase(context: TurnContext): Promise<void> {
    const conversationId = context.activity.conversation?.id;
    if (!conversationId) return;
    const record = await this.deps.store.get(conversationId);
    await this.deps.recorder.erase(context);
    await this.deps.store.erase(conversationId);
    if (record && (record.state === 'queued' || record.state === 'assigned')) await this.publish({ type: 'cancelled', conversationId });
  }

  /** "Delete my data" from another of the user's conversations: their transcripts, handoff records and notes go too. */
  async eraseConversations(conversationIds: string[]): Promise<void> {
    for (const conversationId of conversationIds) {
      const record = await this.deps.store.get(conversationId);
      await this.deps.transcript.erase(conversationId);
      await this.deps.store.erase(conversationId);
      if (record && (record.state === 'queued' || record.state === 'assigned')) await this.publish({ type: 'cancelled', conversationId });
    }
  }

  /**
   * Tells every user whose request nobody claimed within the timeout, once, when someone will
   * answer and that they can leave a message. Any instance may run it; the store's flag makes
   * sure each user is told once.
   */
  async sweepTimeouts(): Promise<number> {
    let told = 0;
    for (const record of await this.deps.store.open(1000)) {
      if (!(await this.timedOut(record))) continue;
      told += 1;
      await this.toUser(record, async (ctx, lng) => {
        await ctx.sendActivity(
          render(record.channel, { node: 'handoff.timeout', locale: lng, text: `${this.t('timeout', lng)}\n\n${this.whenLine(lng)}`, choices: [this.t('labels.position', lng), this.t('labels.cancel', lng)] }) as Partial<Activity>,
        );
      }).catch((err: Error) => this.deps.log.warn({ err: { message: err.message }, conversationId: record.conversationId }, 'timeout notice not delivered'));
    }
    return told;
  }

  /** Runs the timeout sweep every `everyMs` until stop(). */
  start(everyMs = 30_000): void {
    this.sweeper ??= setInterval(() => void this.sweepTimeouts().catch(() => undefined), everyMs);
    this.sweeper.unref();
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private userMessage(context: TurnContext, node: string, lng: string, text: string): Partial<Activity> {
    return render(context.activity.channelId, { node, locale: lng, text }) as Partial<Activity>;
  }

  /** A proactive turn on the user's channel (any instance: the reference's connector delivers). */
  private async toUser(record: HandoffRecord, logic: (context: TurnContext, lng: string) => Promise<void>): Promise<void> {
    await this.deps.continueConversation(record.reference, async (context) => {
      let lng = record.language;
      try {
        lng = await this.deps.localeOf(context);
      } catch {
        // the language stored with the request
      }
      await logic(context, lng);
    });
  }

  private async emitStatus(context: TurnContext, state: 'accepted' | 'completed' | 'failed'): Promise<void> {
    if (!this.deps.eventChannels.has(context.activity.channelId) || !context.activity.conversation) return;
    try {
      await context.sendActivity(EventFactory.createHandoffStatus(context.activity.conversation, state));
    } catch (err) {
      this.deps.log.warn({ err: { message: (err as Error).message } }, 'handoff.status not delivered');
    }
  }
}

/** The path nodes the bot's messages came from, in order, without repeats in a row. */
export function pathOf(transcript: TranscriptEntry[]): string[] {
  const path: string[] = [];
  for (const e of transcript) {
    if (e.from !== 'bot' || !e.node || e.node.startsWith('handoff.')) continue;
    if (path[path.length - 1] !== e.node) path.push(e.node);
  }
  return path.slice(-50);
}

function transcriptActivity(entry: TranscriptEntry, record: HandoffRecord): Partial<Activity> {
  const user = record.reference.user;
  const bot = record.reference.bot;
  return {
    type: 'message',
    text: entry.text,
    timestamp: new Date(entry.at),
    locale: entry.locale,
    from: entry.from === 'user' ? { id: user?.id ?? 'user', name: user?.name ?? '', role: 'user' } : { id: bot?.id ?? 'bot', name: entry.author ?? bot?.name ?? '', role: 'bot' },
  };
}
