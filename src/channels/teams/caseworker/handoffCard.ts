import type { i18n } from 'i18next';
import type { HandoffRecord } from '../../../handoff/types';

/** The verbs of the handoff card's Universal Actions (Action.Execute). */
export const VERB = { claim: 'handoff.claim', release: 'handoff.release' } as const;
export type HandoffVerb = (typeof VERB)[keyof typeof VERB];

export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard'; version: string; body: Record<string, unknown>[]; actions: Record<string, unknown>[] };

export interface HandoffCardOptions {
  i18n: i18n;
  /** The caseworkers' language (the service's default). */
  lng: string;
  /** PUBLIC_URL: "Open in console" links to <PUBLIC_URL>/console#conversation=<id>; unset: no link. */
  publicUrl: string | undefined;
  now: number;
  /** A line for the person who acted (a colleague has it, not linked, ...). */
  notice?: string;
}

/** The console's deep link to one conversation. */
export function consoleLink(publicUrl: string, conversationId: string): string {
  return `${publicUrl}/console#conversation=${encodeURIComponent(conversationId)}`;
}

/**
 * The card a handoff is posted as in the caseworkers' channel (Adaptive Card 1.5, Universal
 * Actions): what the console's queue shows and no more (channel, the person's group from the
 * profile, language, topic, reason, priority, waiting time, state and owner), "Assign to me"
 * while it waits, "Hand back to bot" while someone has it, and "Open in console".
 */
export function handoffCard(record: HandoffRecord, options: HandoffCardOptions): AdaptiveCard {
  const { i18n, lng } = options;
  const t = (key: string, values: Record<string, unknown> = {}) => i18n.t(`caseworker.${key}`, { ns: 'teams', lng, ...values });
  const reason = i18n.exists(record.reason, { ns: 'paths', lng }) ? i18n.t(record.reason, { ns: 'paths', lng }) : record.reason;
  const language = i18n.exists('meta:name', { lng: record.language }) ? `${i18n.t('meta:name', { lng: record.language })} (${record.language})` : record.language;
  const urgent = record.priority === 'urgent';
  const waitedMinutes = Math.max(0, Math.floor((options.now - record.requestedAt) / 60_000));
  const state =
    record.state === 'assigned' ? t('state.assigned', { name: record.owner ?? '' }) : record.state === 'queued' ? t('state.queued') : record.state === 'closed' ? t('state.closed') : t('state.bot');
  const facts = [
    { title: t('facts.channel'), value: record.channel },
    ...(record.profile.group ? [{ title: t('facts.group'), value: record.profile.group }] : []),
    { title: t('facts.language'), value: language },
    { title: t('facts.topic'), value: record.topic },
    { title: t('facts.reason'), value: reason },
    { title: t('facts.priority'), value: t(urgent ? 'priority.urgent' : 'priority.normal') },
    { title: t('facts.waiting'), value: t('waited_minutes', { count: waitedMinutes }) },
  ];
  const requested = new Date(record.requestedAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const body: Record<string, unknown>[] = [
    { type: 'TextBlock', text: t(urgent ? 'title_urgent' : 'title'), weight: 'Bolder', size: 'Medium', wrap: true, ...(urgent ? { color: 'Attention' } : {}) },
    { type: 'FactSet', facts },
    // Adaptive Cards' date functions show the time in the reader's own time zone.
    { type: 'TextBlock', text: t('requested_at', { date: `{{DATE(${requested}, SHORT)}}`, time: `{{TIME(${requested})}}` }), isSubtle: true, wrap: true, spacing: 'Small' },
    { type: 'TextBlock', text: state, weight: 'Bolder', wrap: true, ...(record.state === 'assigned' ? { color: 'Good' } : {}) },
  ];
  // The bot's name as the team sees it in Teams (the app package's short name).
  if (record.state === 'assigned') body.push({ type: 'TextBlock', text: t('reply_hint', { bot: i18n.t('app.name_short', { ns: 'teams', lng }) }), wrap: true, isSubtle: true });
  if (options.notice) body.push({ type: 'TextBlock', text: options.notice, wrap: true, color: 'Warning' });
  const data = { conversationId: record.conversationId };
  const actions: Record<string, unknown>[] = [];
  if (record.state === 'queued') actions.push({ type: 'Action.Execute', verb: VERB.claim, title: t('actions.claim'), style: 'positive', data });
  if (record.state === 'assigned') actions.push({ type: 'Action.Execute', verb: VERB.release, title: t('actions.release'), data });
  if (options.publicUrl) actions.push({ type: 'Action.OpenUrl', title: t('actions.console'), url: consoleLink(options.publicUrl, record.conversationId) });
  return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', body, actions };
}

/** A short card for an action on a handoff that no longer exists (erased, expired). */
export function goneCard(options: Pick<HandoffCardOptions, 'i18n' | 'lng'>): AdaptiveCard {
  return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', body: [{ type: 'TextBlock', text: options.i18n.t('caseworker.gone', { ns: 'teams', lng: options.lng }), wrap: true }], actions: [] };
}
