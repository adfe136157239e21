import { ActionTypes, CardFactory, MessageFactory, type Activity, type CardAction } from 'botbuilder';
import { ChoiceFactory, supportsCardActions, supportsSuggestedActions } from 'botbuilder-dialogs';
import { asciiDigits, fold } from '../nlu/fold';
import { countSms, gsmLookAlikes } from './sms/segments';

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
  /** Further nodes whose texts this message carries (consecutive info nodes are said as one message). */
  also?: string[];
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
    channelData: { node: message.node, ...(message.awaiting ? { awaiting: message.awaiting } : {}), ...(message.also?.length ? { also: message.also } : {}) },
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

const LIST_ITEM = /^\d{1,2}\. /;

/** Twilio refuses a longer body (error 21617), whatever the segments. */
export const SMS_MAX_CHARS = 1600;

/** One SMS text of a reply, as carriers count it. */
export interface SmsPart {
  text: string;
  segments: number;
}

interface Piece {
  text: string;
  /** What joins it to the piece before: a line break, or a space inside a line. */
  joiner: string;
}

/** Lines, then (for a line too long by itself) sentences, then words: the places a text may be split. */
function splitFurther(piece: Piece, level: 'sentences' | 'words'): Piece[] {
  // A sentence ends with . ! ? (Arabic ؟, Ethiopic ።) after a letter: "2. Skole" is a list item, not two sentences.
  const parts = level === 'sentences' ? piece.text.split(/(?<=[^\d\s][.!?؟።])\s+/u) : piece.text.split(/\s+/u);
  return parts.filter((p) => p !== '').map((text, i) => ({ text, joiner: i === 0 ? piece.joiner : ' ' }));
}

function hardCut(piece: Piece, fits: (text: string) => boolean): Piece[] {
  const out: Piece[] = [];
  let rest = [...piece.text];
  while (rest.length > 0) {
    let n = rest.length;
    while (n > 1 && !fits(rest.slice(0, n).join(''))) n -= 1;
    out.push({ text: rest.slice(0, n).join(''), joiner: out.length === 0 ? piece.joiner : '' });
    rest = rest.slice(n);
  }
  return out;
}

/**
 * A turn's whole reply as SMS texts, each within `maxSegments` and Twilio's 1,600 characters. Where
 * it fits, everything goes in one text; a longer reply is cut between lines, else between sentences
 * (a word only when one sentence alone is too long), and every text but the last ends with
 * `moreLine` (how to ask for the next one). The texts' look-alike characters are made GSM-7 first,
 * so a Danish or English reply never falls into UCS-2 by accident.
 */
export function paginateSms(text: string, moreLine: string, maxSegments: number): SmsPart[] {
  const clean = gsmLookAlikes(text).replace(/[ ]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
  const fits = (t: string) => t.length <= SMS_MAX_CHARS && countSms(t).segments <= maxSegments;
  const withMore = (t: string) => `${t}\n${moreLine}`;
  const join = (pieces: Piece[]) => pieces.map((p, i) => (i === 0 ? p.text : p.joiner + p.text)).join('');
  if (fits(clean)) return [{ text: clean, segments: countSms(clean).segments }];

  let queue: Piece[] = clean.split('\n').map((line, i) => ({ text: line, joiner: i === 0 ? '' : '\n' }));
  const parts: SmsPart[] = [];
  while (queue.length > 0) {
    const rest = join(queue);
    if (fits(rest)) {
      parts.push({ text: rest, segments: countSms(rest).segments });
      break;
    }
    const taken: Piece[] = [];
    while (queue.length > 0) {
      const next = queue[0];
      const candidate = join([...taken, next]);
      if (fits(withMore(candidate))) {
        taken.push(queue.shift()!);
        continue;
      }
      if (taken.length > 0) {
        // Fill the text with the next line's first sentences, if it has several; never part of a sentence.
        const sentences = splitFurther(next, 'sentences');
        if (sentences.length > 1 && fits(withMore(join([...taken, sentences[0]])))) {
          queue.splice(0, 1, ...sentences);
          continue;
        }
        break;
      }
      // The first piece alone is too long: its sentences, else its words, else its characters.
      const finer = [splitFurther(next, 'sentences'), splitFurther(next, 'words')].find((f) => f.length > 1) ?? hardCut(next, (t) => fits(withMore(t)));
      queue.splice(0, 1, ...finer);
    }
    if (taken.length === 0) break;
    // A question and its numbered answers stay together: a list cut in two moves whole to the next text.
    if (queue.length > 0 && LIST_ITEM.test(queue[0].text)) {
      let first = taken.length;
      while (first > 0 && LIST_ITEM.test(taken[first - 1].text)) first -= 1;
      const from = first - 1;
      if (first < taken.length && from > 0) queue.unshift(...taken.splice(from));
    }
    const partText = withMore(join(taken).trim());
    parts.push({ text: partText, segments: countSms(partText).segments });
    if (queue.length > 0) queue[0] = { ...queue[0], joiner: '' };
    queue = queue.filter((p, i) => i > 0 || p.text.trim() !== '');
  }
  return parts;
}
