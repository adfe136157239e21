import type { Activity, Middleware, TurnContext } from 'botbuilder';
import { render } from '../channels/render';
import { CATEGORY_OF, type SafetyCategory, type SafetyHit, type SafetyKind, type SafetyScreen } from '../nlu/safety';
import { SafetyMemo } from './safetyMemo';

/** Where the middleware remembers that it asked "are you or someone else in danger now?" (conversation state). */
export interface SafetyCheckStore {
  /** The kind the borderline message looked like, while the question waits for its answer. */
  get(context: TurnContext): Promise<SafetyKind | undefined>;
  /** Sets or clears it and writes it with the turn (the bot does not run on a turn the screen answers). */
  set(context: TurnContext, kind: SafetyKind | undefined): Promise<void>;
}

export interface SafetyMiddlewareDeps {
  screen: SafetyScreen;
  /** The user's chosen language (state); may reject when state cannot be read. */
  localeOf(context: TurnContext): Promise<string>;
  /**
   * The language the message is written in, if it can tell (the recogniser's language identifier): an
   * Arabizi message before the user has chosen Arabic is still read as Arabic in Latin letters.
   */
  languageOf?(text: string): string | undefined;
  /** Without it a borderline message is let through (no question asked). */
  checks?: SafetyCheckStore;
  onAlarm?(category: SafetyCategory, language: string): void;
  /** After the emergency numbers: e.g. the handoff offers a person with priority (or marks a running handoff urgent). */
  afterAlarm?(context: TurnContext, language: string): Promise<void>;
}

/** The node id safety replies carry in channelData, like every message the bot sends. */
export const SAFETY_NODE = 'safety';
/** The node id of the borderline question. */
export const SAFETY_CHECK_NODE = 'safety.check';

/**
 * Runs first, before anything reads the text as a command, an answer or a handoff message: a
 * message with signs of immediate danger, violence, self-harm or a medical emergency is answered
 * at once (112 first, then the help that fits its kind, and a "talk to a person" button), in the
 * language the message was written in, and the turn ends there. A borderline message gets "are
 * you or someone else in danger now?" with yes/no buttons; yes (or another sign of danger) gives
 * the emergency reply, no lets the conversation go on. Every other activity goes on unchanged.
 */
export class SafetyMiddleware implements Middleware {
  /** Short messages ("1", "yes", a button's label) are screened once. */
  private readonly memo: SafetyMemo;

  constructor(private readonly deps: SafetyMiddlewareDeps) {
    this.memo = new SafetyMemo(deps.screen);
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const text = context.activity.type === 'message' ? context.activity.text : undefined;
    if (typeof text !== 'string' || text.trim() === '') return next();
    let locale: string | undefined;
    try {
      locale = await this.deps.localeOf(context);
    } catch {
      // state unreadable: the message's own language decides
    }
    const { screen, checks } = this.deps;
    const written = this.deps.languageOf?.(text);
    const preferred = [locale, written].filter((l, i, all): l is string => l !== undefined && all.indexOf(l) === i);
    const assessment = this.memo.assess(text, preferred);
    let pending: SafetyKind | undefined;
    try {
      pending = await checks?.get(context);
    } catch {
      pending = undefined;
    }
    if (assessment.alarm) {
      if (pending) await checks?.set(context, undefined);
      return this.alarm(context, assessment.alarm);
    }
    if (pending) {
      const answer = screen.yesNoOf(text);
      await checks!.set(context, undefined);
      const lng = locale ?? 'en';
      if (answer === 'yes') return this.alarm(context, { category: CATEGORY_OF[pending], kind: pending, language: lng as SafetyHit['language'], via: 'classifier' });
      // Another borderline message in reply to the question ("i don't know, i just can't go on") is a second
      // sign, not an answer to pass on: the emergency reply, of the kind the question was about.
      if (answer === undefined && assessment.borderline) return this.alarm(context, { ...assessment.borderline, kind: pending, category: CATEGORY_OF[pending], language: assessment.borderline.language });
      if (answer === 'no') {
        await context.sendActivity({ type: 'message', text: screen.checkOk(lng, pending), locale: lng, channelData: { node: `${SAFETY_CHECK_NODE}.no` } } as Partial<Activity>);
        return;
      }
      return next();
    }
    if (assessment.borderline && checks) {
      const hit = assessment.borderline;
      await checks.set(context, hit.kind);
      const question = screen.check(hit.language);
      await context.sendActivity(render(context.activity.channelId, { node: SAFETY_CHECK_NODE, locale: hit.language, text: question.text, choices: question.choices, awaiting: SAFETY_CHECK_NODE }));
      return;
    }
    return next();
  }

  private async alarm(context: TurnContext, hit: SafetyHit): Promise<void> {
    this.deps.onAlarm?.(hit.category, hit.language);
    const { screen } = this.deps;
    const button = screen.personButton(hit.language);
    const activity = render(context.activity.channelId, {
      node: SAFETY_NODE,
      locale: hit.language,
      text: screen.reply(hit.language, hit.kind).join('\n\n'),
      // On SMS the buttons would become numbers that a menu reads as its own choices: the text says what to write instead.
      // With the handoff, its own offer (a priority request) follows instead of a plain person button.
      choices: button && !isSms(context.activity.channelId) && !this.deps.afterAlarm ? [button] : [],
    });
    activity.channelData = { ...(activity.channelData as object), safety: hit.category, safetyKind: hit.kind };
    await context.sendActivity(activity);
    await this.deps.afterAlarm?.(context, hit.language);
  }
}

function isSms(channelId: string): boolean {
  return channelId === 'sms' || channelId === 'twilio-sms' || channelId.includes('sms');
}

