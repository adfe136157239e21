import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import { type Choice, type DialogSet, type FoundChoice, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { LeanChoicePrompt } from './leanChoicePrompt';
import type { i18n } from 'i18next';
import type { ConversationData, UserProfile } from './profile';
import { PATH_DIALOG, type PathOptions } from '../paths/engine';

export const ROOT_DIALOG = 'root';
export const LANGUAGE_DIALOG = 'language';
const LANGUAGE_PROMPT = 'languagePrompt';

/** Options of LANGUAGE_DIALOG: which languages to offer (default: every enabled one). */
export interface LanguageOptions {
  /** Languages to offer, most likely first; the user's current language is added to keep it. */
  offer?: string[];
}

interface RootDialogDeps {
  i18n: i18n;
  profile: StatePropertyAccessor<UserProfile>;
  /** Conversation state: whether the machine-translation notice was said in this conversation. */
  conversation?: StatePropertyAccessor<ConversationData>;
  locales: string[];
  localeOf(context: TurnContext): Promise<string>;
  /** Where the welcome path and the main menu begin (dialogs/welcome.yaml and menu.yaml). */
  starts: { welcome: string; menu: string };
}

/**
 * Channels whose activity locale is the language the person chose (this service's web page and its language
 * button, over the self-hosted Direct Line): used without asking. Elsewhere (Teams, Azure Web Chat, the Emulator) the locale is the app's or browser's UI
 * language and only puts that language first in the offer.
 */
const CHOSEN_LOCALE_CHANNELS = new Set(['directline']);

/** The enabled language a channel's locale hints at (`ar-SA` → `ar`), if any. */
export function hintedLocale(activityLocale: string | undefined, locales: string[]): string | undefined {
  const code = activityLocale?.toLowerCase().split(/[-_]/)[0];
  return code && locales.includes(code) ? code : undefined;
}

/**
 * The root dialog: ask the language once, then walk the paths (src/paths/engine.ts): the welcome
 * path the first time, the main menu afterwards. Options (PathOptions) start elsewhere or run a
 * command at once.
 *
 * The language dialog offers languages by their own names. A channel's locale (Web Chat, Teams)
 * only puts its language first; free text in another language offers the likely languages (see
 * IntegrationBot), and the user decides. In a language whose texts no native speaker has reviewed,
 * the bot says once that a machine translated them and that an interpreter can be asked for.
 */
export function addRootDialogs(dialogs: DialogSet, deps: RootDialogDeps): void {
  const { i18n, profile, locales } = deps;
  // A language is also understood by its name in every enabled language ("arabisk", "Arabic", "арабська")
  // and in Latin script (sms:language_name: the SMS prompt lists that when own scripts do not fit).
  const namers = [...new Set(['en', ...locales])].map((l) => new Intl.DisplayNames([l], { type: 'language' }));
  const synonymsOf = (lng: string) => [...new Set([lng, ...namers.map((n) => n.of(lng) ?? lng), i18n.t('sms:language_name', { lng, defaultValue: lng })])];
  // Put together once per language (Intl.DisplayNames in every language was a measurable share of a
  // language prompt's turn); each prompt gets its own copy.
  const choices = new Map<string, Choice>();
  const choiceOf = (lng: string): Choice => {
    let choice = choices.get(lng);
    if (!choice) choices.set(lng, (choice = { value: i18n.t('meta:name', { lng }), synonyms: synonymsOf(lng) }));
    return { value: choice.value, synonyms: [...(choice.synonyms ?? [])] };
  };
  const reviewed = (lng: string) => ['source', 'reviewed'].includes(String(i18n.t('meta:review.status', { lng })));

  /**
   * One message: the language is set (and how to change it), with the machine-translation notice
   * the first time this conversation uses a language no native speaker has reviewed.
   */
  const announce = async (context: TurnContext, lng: string): Promise<void> => {
    const data = deps.conversation ? await deps.conversation.get(context, { turns: 0 }) : undefined;
    const notice = !reviewed(lng) && !data?.machineNotice;
    if (notice && data) data.machineNotice = true;
    const text = notice ? `${i18n.t('language.chosen', { lng })}\n\n${i18n.t('language.machine_notice', { lng })}` : i18n.t('language.chosen', { lng });
    await context.sendActivity({ type: 'message', text, locale: lng, channelData: { node: 'language.chosen', ...(notice ? { notice: 'language.machine_notice' } : {}) } });
  };

  dialogs.add(new LeanChoicePrompt(LANGUAGE_PROMPT)); // a bare number without the number recognisers (leanChoicePrompt.ts)
  dialogs.add(
    new WaterfallDialog(LANGUAGE_DIALOG, [
      async (step: WaterfallStepContext) => {
        const offered = ((step.options ?? {}) as LanguageOptions).offer?.filter((l) => locales.includes(l));
        const current = (await profile.get(step.context))?.locale;
        let order: string[];
        let key: string;
        if (offered && offered.length > 0) {
          order = [...new Set([...offered, ...(current ? [current] : [])])];
          key = 'language.offer';
        } else {
          const hint = hintedLocale(step.context.activity.locale, locales);
          order = hint ? [hint, ...locales.filter((l) => l !== hint)] : locales;
          key = 'language.prompt';
        }
        (step.values as { order?: string[] }).order = order;
        // The buttons name every language in its own script; the sentence above them stays short
        // (SMS): the hinted language, then Danish and English.
        const asked = offered && offered.length > 0 ? offered : [...new Set([order[0], ...locales.slice(0, 2)])];
        return step.prompt(LANGUAGE_PROMPT, {
          prompt: { type: 'message', text: asked.map((lng) => i18n.t(key, { lng })).join(' / '), channelData: { node: key, awaiting: key } },
          retryPrompt: {
            type: 'message',
            text: asked.map((lng) => i18n.t('language.retry', { lng })).join(' / '),
            channelData: { node: 'language.retry', awaiting: key },
          },
          choices: order.map(choiceOf),
        });
      },
      async (step: WaterfallStepContext) => {
        const lng = (step.values as { order: string[] }).order[(step.result as FoundChoice).index];
        const user = await profile.get(step.context, {});
        user.locale = lng;
        await announce(step.context, lng);
        return step.endDialog(lng);
      },
    ]),
  );
  dialogs.add(
    new WaterfallDialog(ROOT_DIALOG, [
      async (step: WaterfallStepContext) => {
        const user = await profile.get(step.context, {});
        const opts = (step.options ?? {}) as { language?: boolean; announce?: string };
        const again = opts.language === true;
        if (opts.announce) await announce(step.context, opts.announce);
        if (user.locale && !again) return step.next();
        // The language chosen on the web page is the person's choice: used without asking (they can still write "language").
        const chosen = !again && CHOSEN_LOCALE_CHANNELS.has(step.context.activity.channelId) ? hintedLocale(step.context.activity.locale, locales) : undefined;
        if (chosen) {
          user.locale = chosen;
          await announce(step.context, chosen);
          return step.next();
        }
        return step.beginDialog(LANGUAGE_DIALOG);
      },
      async (step: WaterfallStepContext) => {
        const options = (step.options ?? {}) as PathOptions & { skipWelcome?: boolean };
        if (options.command) return step.beginDialog(PATH_DIALOG, options);
        const user = await profile.get(step.context, {});
        let start = options.start ?? deps.starts.menu;
        if (!user.welcomed && !options.skipWelcome) {
          user.welcomed = true;
          start = deps.starts.welcome;
        }
        return step.beginDialog(PATH_DIALOG, { start });
      },
      async (step: WaterfallStepContext) => step.endDialog(),
    ]),
  );
}
