import type { Activity, Middleware, ResourceResponse, TurnContext } from 'botbuilder';
import type { i18n } from 'i18next';
import type { Logger } from '../../log';
import type { Metrics } from '../../metrics';
import type { Recognizer } from '../../nlu';
import { fold } from '../../nlu/fold';
import { requestLog } from '../../requestLog';
import { paginateSms } from '../render';
import type { ExpiringKeys } from './expiringKeys';
import { smsKeys, type NumberHash } from './numberHash';
import { countSms, gsmLookAlikes } from './segments';
import type { ShortLinks } from './shortLinks';

export const SMS_CHANNEL = 'sms';
/** The language prompt may take at most this many segments (a newcomer's first text). */
const LANGUAGE_PROMPT_SEGMENTS = 2;
/** Opt-out words Twilio answers itself (Advanced Opt-Out defaults): it has confirmed, and blocks our texts anyway. */
const PROVIDER_CONFIRMS = new Set(['stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit']);

type Keyword = 'stop' | 'start' | 'help';

export interface SmsTurnsDeps {
  i18n: i18n;
  enabledLocales: string[];
  defaultLocale: string;
  keys: ExpiringKeys;
  hash: NumberHash;
  /** Unset (no PUBLIC_URL): links stay as they are. */
  links: ShortLinks | undefined;
  maxSegments: number;
  /** How long the rest of a long reply waits for "more". */
  retentionMs: number;
  /** The language the bot speaks to the user (their choice, else the default). */
  localeOf(context: TurnContext): Promise<string>;
  /** The language the user chose, if they have chosen one. */
  chosenLocale(context: TurnContext): Promise<string | undefined>;
  /** Tells the language of a first message, so the language prompt puts it first. */
  recognizer?: Recognizer;
  metrics: Metrics;
  log: Logger;
}

interface Pending {
  locale: string;
  parts: string[];
}

/**
 * What every SMS conversation needs, whichever channel carries it (Azure's SMS channel on
 * /api/messages, the self-hosted Twilio bridge): STOP, START and HELP as carriers require; a turn's
 * messages sent as one text within SMS_MAX_SEGMENTS, the rest after "more"; short links; a language
 * prompt that fits in two segments. Runs inside the turn lock, before the safety screen, so the
 * emergency reply is shaped like every other reply.
 */
export class SmsTurns implements Middleware {
  private readonly keywords = new Map<string, Keyword>();
  private readonly moreWords = new Set<string>();
  /** Every language's name in every enabled language and in Latin script → the language. */
  private readonly ownNames = new Map<string, string>();

  constructor(private readonly deps: SmsTurnsDeps) {
    const { i18n, enabledLocales } = deps;
    for (const lng of enabledLocales) {
      for (const kind of ['stop', 'start', 'help'] as const) {
        const list = i18n.t(`sms:keywords.${kind}`, { lng, returnObjects: true, fallbackLng: false });
        if (Array.isArray(list)) for (const w of list as string[]) if (!this.keywords.has(fold(w))) this.keywords.set(fold(w), kind);
      }
      const more = i18n.t('sms:more_words', { lng, returnObjects: true, fallbackLng: false });
      if (Array.isArray(more)) for (const w of more as string[]) this.moreWords.add(fold(w));
      this.ownNames.set(String(i18n.t('meta:name', { lng })), lng);
    }
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    if (context.activity.channelId !== SMS_CHANNEL || !context.activity.conversation?.id) return next();
    const { deps } = this;
    const conversationHash = deps.hash.of(context.activity.conversation.id);
    const keys = smsKeys(conversationHash);
    const [stopped, pendingRaw] = await deps.keys.get([keys.stop, keys.more]);
    const incoming = context.activity.type === 'message' ? (context.activity.text ?? '').trim() : '';
    const word = fold(incoming);
    const keyword = this.keywords.get(word);

    if (keyword) deps.metrics.smsOptOuts.inc({ keyword });
    if (keyword === 'stop') {
      await deps.keys.set(keys.stop, '1', 0);
      requestLog(deps.log).info({ conversationHash }, 'sms number opted out (STOP)');
      if (!PROVIDER_CONFIRMS.has(word)) await this.sendPlain(context, 'sms:stopped');
      return;
    }
    if (keyword === 'help') return this.sendPlain(context, 'sms:help');
    if (stopped) {
      if (keyword === 'start') {
        await deps.keys.delete([keys.stop]);
        return this.sendPlain(context, 'sms:started');
      }
      // Carriers: nothing more to a number that said STOP until it says START.
      deps.metrics.smsSuppressed.inc({ kind: incoming ? 'ignored_inbound' : 'proactive' });
      return;
    }

    if (pendingRaw && this.moreWords.has(word)) {
      const pending = JSON.parse(pendingRaw) as Pending;
      const [part, ...rest] = pending.parts;
      if (rest.length > 0) await deps.keys.set(keys.more, JSON.stringify({ ...pending, parts: rest } satisfies Pending), deps.retentionMs);
      else await deps.keys.delete([keys.more]);
      await this.sendText(context, part, pending.locale, { node: 'sms.more' });
      return;
    }

    if (/\p{L}/u.test(incoming) && deps.recognizer && !context.activity.locale && (await deps.chosenLocale(context)) === undefined) {
      // A first message written in a language puts that language first in the prompt.
      const guess = (await deps.recognizer.recognize(incoming, deps.defaultLocale)).language;
      if (guess && guess.confidence >= 0.5 && deps.enabledLocales.includes(guess.code)) context.activity.locale = guess.code;
    }

    const buffered: Partial<Activity>[] = [];
    let passThrough = false;
    context.onSendActivities(async (_ctx, activities, sendNext) => {
      if (passThrough) return sendNext();
      const responses: ResourceResponse[] = [];
      const others: Partial<Activity>[] = [];
      for (const activity of activities) {
        if (activity.type === 'message') {
          buffered.push({ ...activity });
          responses.push({ id: '' });
        } else others.push(activity);
      }
      if (others.length === 0) return responses;
      activities.splice(0, activities.length, ...others);
      return [...(await sendNext()), ...responses];
    });
    try {
      await next();
    } finally {
      passThrough = true;
      // A failed turn still sends what it said before failing; the apology after it goes straight through.
      if (buffered.length > 0) await this.flush(context, buffered, keys.more, pendingRaw !== undefined);
    }
  }

  /** Sends the turn's messages as one text (or the first of several, the rest kept for "more"). */
  private async flush(context: TurnContext, buffered: Partial<Activity>[], moreKey: string, hadPending: boolean): Promise<void> {
    const { deps } = this;
    const fallback = await deps.localeOf(context);
    const locale = [...buffered].reverse().find((a) => a.locale && deps.enabledLocales.includes(a.locale))?.locale ?? fallback;
    const nodes = buffered.map((a) => (a.channelData as { node?: string } | undefined)?.node ?? 'bot');
    const awaiting = [...buffered].reverse().map((a) => (a.channelData as { awaiting?: string } | undefined)?.awaiting).find((x) => x);
    let texts = buffered.map((a) => a.text ?? '').filter((t) => t.trim() !== '');
    const promptAt = nodes.findIndex((n) => n === 'language.prompt' || n === 'language.retry');
    if (promptAt >= 0) {
      const prompt = this.languagePrompt(texts[promptAt] ?? '', context.activity.locale);
      // The prompt says the bot is a bot itself; the hello before it would not fit in two segments.
      if (prompt) texts = [prompt];
    }
    let text = texts.join('\n');
    if (text.trim() === '') return;
    if (deps.links) text = await deps.links.shorten(text);
    const parts = paginateSms(text, deps.i18n.t('sms:more_hint', { lng: locale }), deps.maxSegments);
    if (parts.length > 1) await deps.keys.set(moreKey, JSON.stringify({ locale, parts: parts.slice(1).map((p) => p.text) } satisfies Pending), deps.retentionMs);
    else if (hadPending) await deps.keys.delete([moreKey]);
    const last = buffered[buffered.length - 1];
    await this.sendText(context, parts[0].text, locale, {
      node: nodes[0],
      // Info texts said as one message name their other nodes in `also` (src/paths/engine.ts).
      nodes: buffered.flatMap((a, i) => [nodes[i], ...((a.channelData as { also?: string[] } | undefined)?.also ?? [])]),
      ...(awaiting ? { awaiting } : {}),
      sms: { part: 1, parts: parts.length, segments: parts[0].segments },
    }, last.inputHint);
  }

  /**
   * The first text: which language, in at most two segments. The languages keep the prompt's
   * numbers; their names are in their own script when that fits, else in Latin script (a GSM-7 text
   * holds 306 characters in two segments, a UCS-2 one 134). Undefined when the prompt's list cannot
   * be read (then it is sent as it is).
   */
  private languagePrompt(original: string, hint: string | undefined): string | undefined {
    const { i18n, enabledLocales, defaultLocale } = this.deps;
    const numbered: [number, string][] = [];
    for (const [name, lng] of this.ownNames) {
      const at = new RegExp(`(\\d+)[.)]\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'u').exec(original);
      if (at) numbered.push([Number(at[1]), lng]);
    }
    if (numbered.length !== enabledLocales.length) return undefined;
    numbered.sort((a, b) => a[0] - b[0]);
    const asking = (withHint: boolean) =>
      [...new Set([...(withHint && hint ? [hint] : []), defaultLocale, ...enabledLocales.filter((l) => l === 'en')])]
        .map((lng) => gsmLookAlikes(i18n.t('sms:language_prompt', { lng })))
        .join('\n');
    const list = (own: boolean) => numbered.map(([n, lng]) => `${n}. ${own ? i18n.t('meta:name', { lng }) : i18n.t('sms:language_name', { lng })}`).join('\n');
    const candidates = [`${asking(true)}\n${list(true)}`, `${asking(false)}\n${list(true)}`, `${asking(true)}\n${list(false)}`, `${asking(false)}\n${list(false)}`];
    return candidates.find((c) => countSms(c).segments <= LANGUAGE_PROMPT_SEGMENTS) ?? candidates[candidates.length - 1];
  }

  private async sendPlain(context: TurnContext, key: string): Promise<void> {
    const lng = await this.deps.localeOf(context);
    await this.sendText(context, this.deps.i18n.t(key, { lng }), lng, { node: key.replace(':', '.') });
  }

  private async sendText(context: TurnContext, text: string, locale: string, channelData: Record<string, unknown>, inputHint?: string): Promise<void> {
    const clean = gsmLookAlikes(text);
    this.deps.metrics.smsSegments.observe(countSms(clean).segments);
    await context.sendActivity({ type: 'message', text: clean, locale, channelData, ...(inputHint ? { inputHint } : {}) } as Partial<Activity>);
  }
}
