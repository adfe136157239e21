import { ActionTypes, CardFactory, MessageFactory, type Activity, type CardAction } from 'botbuilder';
import { ChoiceFactory, supportsCardActions, supportsSuggestedActions } from 'botbuilder-dialogs';
import { asciiDigits, fold } from '../nlu/fold';

/** What the bot wants to say, before it is shaped for a channel. */
export interface Message {
  /** The path node (or engine step) that produced the message. */
  node: string;
  locale: string;
  text: string;
  /** Button texts, in order; on SMS they become a numbered list. */
  choices?: string[];
  link?: { url: string; label: string };
  /** The node that will read the user's answer, when the message asks for one. */
  awaiting?: string;
}

/** Channels that show Markdown links; the others (SMS) get the plain address. */
const MARKDOWN_CHANNELS = new Set(['webchat', 'directline', 'emulator', 'msteams', 'test']);

/**
 * One message activity for the channel: suggested actions where the channel has them (web chat,
 * Direct Line, Emulator), a hero card with buttons where it has card actions (Teams), else a short
 * numbered list (SMS), where the user answers with the number. Every activity carries
 * `channelData.node` and `locale`; one that asks for an answer also `channelData.awaiting`, the node
 * that will read it.
 */
export function render(channelId: string, message: Message): Partial<Activity> {
  const { link } = message;
  let text = message.text;
  const choices = message.choices ?? [];
  // On a card channel (Teams) a link is a card action, not a line of text.
  const linkAsAction = link !== undefined && supportsCardActions(channelId, choices.length + 1) && !supportsSuggestedActions(channelId, choices.length);
  if (link && !linkAsAction) text += MARKDOWN_CHANNELS.has(channelId) ? `\n\n[${link.label}](${link.url})` : `\n${link.label}: ${link.url}`;
  let activity: Partial<Activity>;
  if (choices.length === 0 && !linkAsAction) activity = { type: 'message', text };
  else if (supportsSuggestedActions(channelId, choices.length)) activity = ChoiceFactory.suggestedAction(choices, text);
  else if (supportsCardActions(channelId, choices.length + (link ? 1 : 0))) {
    // A card: the link becomes a button of its own.
    const buttons: CardAction[] = choices.map((c) => ({ type: ActionTypes.ImBack, title: c, value: c }));
    if (link) buttons.push({ type: ActionTypes.OpenUrl, title: link.label, value: link.url });
    activity = MessageFactory.attachment(CardFactory.heroCard('', message.text, undefined, buttons));
  } else activity = { type: 'message', text: `${text}\n${choices.map((c, i) => `${i + 1}. ${c}`).join('\n')}` };
  return {
    ...activity,
    inputHint: choices.length > 0 ? 'expectingInput' : 'acceptingInput',
    locale: message.locale,
    channelData: message.awaiting ? { node: message.node, awaiting: message.awaiting } : { node: message.node },
  };
}

/**
 * Which choice a reply picks: its number ("2", "2.", "٢") or its text, compared loosely (src/nlu/fold).
 * Works on every channel, so a web chat user may also type the number.
 */
export function pickChoice(reply: string, choices: string[]): number | undefined {
  const number = /^\s*(\d{1,2})\s*[.)]?\s*$/.exec(asciiDigits(reply));
  if (number) {
    const index = Number(number[1]) - 1;
    return index >= 0 && index < choices.length ? index : undefined;
  }
  const wanted = fold(reply);
  if (!wanted) return undefined;
  const index = choices.findIndex((c) => fold(c) === wanted);
  return index >= 0 ? index : undefined;
}
