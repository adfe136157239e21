import type { Activity, Middleware, TurnContext } from 'botbuilder';
import type { SafetyCategory, SafetyScreen } from '../nlu/safety';

export interface SafetyMiddlewareDeps {
  screen: SafetyScreen;
  /** The user's chosen language (state); may reject when state cannot be read. */
  localeOf(context: TurnContext): Promise<string>;
  onAlarm?(category: SafetyCategory, language: string): void;
  /** After the emergency numbers: e.g. the handoff offers a person with priority (or marks a running handoff urgent). */
  afterAlarm?(context: TurnContext, language: string): Promise<void>;
}

/** The node id safety replies carry in channelData, like every message the bot sends. */
export const SAFETY_NODE = 'safety';

/**
 * Runs before any path logic: a message with signs of immediate danger, violence, self-harm or a
 * medical emergency is answered at once (112 first, then the out-of-hours doctor, the crisis
 * line, and a person), in the language the message was written in, and the turn ends there.
 * Every other activity goes on to the bot unchanged.
 */
export class SafetyMiddleware implements Middleware {
  constructor(private readonly deps: SafetyMiddlewareDeps) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const text = context.activity.type === 'message' ? context.activity.text : undefined;
    if (typeof text !== 'string' || text.trim() === '') return next();
    let locale: string | undefined;
    try {
      locale = await this.deps.localeOf(context);
    } catch {
      // state unreadable: the message's own language decides
    }
    const hit = this.deps.screen.screen(text, locale ? [locale] : []);
    if (!hit) return next();
    this.deps.onAlarm?.(hit.category, hit.language);
    await context.sendActivity({
      type: 'message',
      text: this.deps.screen.reply(hit.language).join('\n\n'),
      locale: hit.language,
      channelData: { node: SAFETY_NODE, safety: hit.category },
    } as Partial<Activity>);
    await this.deps.afterAlarm?.(context, hit.language);
  }
}
