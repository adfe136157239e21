import { ActionTypes, CardFactory, type Attachment, type CardAction, type HeroCard } from 'botbuilder';

/**
 * Teams shows at most six actions on a card well (design guidance: one to three primary, up to
 * six); the rest of a longer list sits behind a "more" action that opens them in the card.
 */
export const TEAMS_MAX_ACTIONS = 6;

type AdaptiveAction = Record<string, unknown>;

/** One button as an Adaptive Card action: a link opens, every other button answers with its text (as imBack did). */
function actionOf(button: CardAction): AdaptiveAction {
  if (button.type === ActionTypes.OpenUrl) return { type: 'Action.OpenUrl', title: button.title, url: String(button.value) };
  const value = String(button.value ?? button.title);
  // Teams sends an Action.Submit with msteams.imBack as a message with this text, so answers read the same as typed ones.
  return { type: 'Action.Submit', title: button.title, data: { msteams: { type: 'imBack', value } } };
}

/** The buttons as at most TEAMS_MAX_ACTIONS actions, the last one a "more" that opens the rest (again at most six, and so on). */
function actionsOf(buttons: CardAction[], moreLabel: string, rtl: boolean): AdaptiveAction[] {
  if (buttons.length <= TEAMS_MAX_ACTIONS) return buttons.map(actionOf);
  const shown = buttons.slice(0, TEAMS_MAX_ACTIONS - 1).map(actionOf);
  const rest = buttons.slice(TEAMS_MAX_ACTIONS - 1);
  return [...shown, { type: 'Action.ShowCard', title: moreLabel, card: { type: 'AdaptiveCard', version: '1.5', ...(rtl ? { rtl: true } : {}), body: [], actions: actionsOf(rest, moreLabel, rtl) } }];
}

export interface TeamsCardOptions {
  /** Lays the card out right to left (Arabic, Farsi, Pashto). */
  rtl: boolean;
  /** The "more" action's title, in the user's language. */
  moreLabel: string;
}

/** A hero card (what prompts and path menus build) as an Adaptive Card 1.5 within Teams' action limit. */
export function adaptiveCardOf(hero: HeroCard, options: TeamsCardOptions): Attachment {
  const body: Record<string, unknown>[] = [];
  if (hero.title) body.push({ type: 'TextBlock', text: hero.title, weight: 'Bolder', wrap: true });
  if (hero.text) body.push({ type: 'TextBlock', text: hero.text, wrap: true });
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    ...(options.rtl ? { rtl: true } : {}),
    body,
    actions: actionsOf(hero.buttons ?? [], options.moreLabel, options.rtl),
  });
}
