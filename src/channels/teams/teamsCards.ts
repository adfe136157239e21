import type { Activity, HeroCard, Middleware, TurnContext } from 'botbuilder';
import { CardFactory } from 'botbuilder';
import type { i18n } from 'i18next';
import { adaptiveCardOf } from './cards';

export interface TeamsCardDeps {
  i18n: i18n;
  enabledLocales: string[];
  /** The user's language, for messages that do not say theirs (a prompt copies the channel's "en-US"). */
  localeOf(context: TurnContext): Promise<string>;
}

/**
 * Teams rendering for every message the bot sends on `msteams`, whichever part made it (the
 * paths, the language prompt): each hero card becomes an Adaptive Card with at most six actions,
 * the rest behind "more", laid out right to left in Arabic, Farsi and Pashto. Other channels
 * pass unchanged.
 */
export class TeamsCardMiddleware implements Middleware {
  constructor(private readonly deps: TeamsCardDeps) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    if (context.activity.channelId === 'msteams') {
      context.onSendActivities(async (ctx, activities, send) => {
        for (const activity of activities) await this.toAdaptive(ctx, activity);
        return send();
      });
    }
    return next();
  }

  private async toAdaptive(context: TurnContext, activity: Partial<Activity>): Promise<void> {
    if (activity.type !== 'message' || !activity.attachments?.some((a) => a.contentType === CardFactory.contentTypes.heroCard)) return;
    let lng = activity.locale;
    if (!lng || !this.deps.enabledLocales.includes(lng)) {
      try {
        lng = await this.deps.localeOf(context);
      } catch {
        lng = undefined; // state unreadable: the default language's layout
      }
    }
    const rtl = this.deps.i18n.t('meta:dir', { lng }) === 'rtl';
    const moreLabel = this.deps.i18n.t('teams:card.more', { lng });
    activity.attachments = activity.attachments.map((a) => (a.contentType === CardFactory.contentTypes.heroCard ? adaptiveCardOf(a.content as HeroCard, { rtl, moreLabel }) : a));
  }
}
