import type { DirectLineChannel } from './channel';
import type { DirectLineLog } from './activityLog';

/** What a newcomer sends in the first turns: the language's own name, two choices, the menu, free text. */
const TEXTS = ['{name}', '1', '2', 'menu', 'hello', '1', 'menu', '2'];

/**
 * Runs a few whole turns per language through the channel (start, the bot's welcome, posts, the
 * replies into the log), as a web chat user would, before the service listens: the first seconds
 * of a process compile most of the bot's modules (botbuilder-dialogs' prompts, the number and
 * date recognisers, the language identifier), and a cold turn takes hundreds of milliseconds.
 * The warm-up conversations' logs are erased; their state expires as any conversation's does.
 */
export async function warmUpChannel(
  channel: DirectLineChannel,
  log: DirectLineLog,
  options: { languages: { code: string; name: string }[]; turnsPerLanguage: number; serviceUrl: string },
): Promise<{ turns: number; ms: number }> {
  const { languages, turnsPerLanguage, serviceUrl } = options;
  const started = Date.now();
  let turns = 0;
  for (const language of languages) {
    const { conversationId, userId } = await channel.start({ kind: 'secret' }, serviceUrl, { user: { id: `warmup-${language.code}` }, locale: language.code });
    turns++;
    for (const text of TEXTS.slice(0, turnsPerLanguage)) {
      await channel.post({ kind: 'secret' }, conversationId, { type: 'message', from: { id: userId }, locale: language.code, text: text.replace('{name}', language.name) }, serviceUrl);
      turns++;
    }
    await log.eraseHistory(conversationId);
  }
  return { turns, ms: Date.now() - started };
}
