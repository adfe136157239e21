import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import { ChoicePrompt, type Choice, type DialogSet, type FoundChoice, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { i18n } from 'i18next';
import type { UserProfile } from './profile';
import { PATH_DIALOG, type PathOptions } from '../paths/engine';

export const ROOT_DIALOG = 'root';
export const LANGUAGE_DIALOG = 'language';
const LANGUAGE_PROMPT = 'languagePrompt';

interface RootDialogDeps {
  i18n: i18n;
  profile: StatePropertyAccessor<UserProfile>;
  locales: string[];
  localeOf(context: TurnContext): Promise<string>;
  /** Where the welcome path and the main menu begin (dialogs/welcome.yaml and menu.yaml). */
  starts: { welcome: string; menu: string };
}

/**
 * The root dialog: ask the language once, then walk the paths (src/paths/engine.ts): the welcome
 * path the first time, the main menu afterwards. Options (PathOptions) start elsewhere or run a
 * command at once.
 */
export function addRootDialogs(dialogs: DialogSet, deps: RootDialogDeps): void {
  const { i18n, profile, locales } = deps;
  // Each language by its own name; its code and English name also select it.
  const englishNames = new Intl.DisplayNames(['en'], { type: 'language' });
  const choices: Choice[] = locales.map((lng) => ({
    value: i18n.t('meta:name', { lng }),
    synonyms: [lng, englishNames.of(lng) ?? lng],
  }));
  const prompt = locales.map((lng) => i18n.t('language.prompt', { lng })).join(' / ');
  const retry = locales.map((lng) => i18n.t('language.retry', { lng })).join(' / ');

  dialogs.add(new ChoicePrompt(LANGUAGE_PROMPT));
  dialogs.add(
    new WaterfallDialog(LANGUAGE_DIALOG, [
      async (step: WaterfallStepContext) =>
        step.prompt(LANGUAGE_PROMPT, {
          prompt: { type: 'message', text: prompt, channelData: { node: 'language.prompt' } },
          retryPrompt: { type: 'message', text: retry, channelData: { node: 'language.retry' } },
          choices,
        }),
      async (step: WaterfallStepContext) => {
        const index = (step.result as FoundChoice).index;
        const lng = locales[index];
        const user = await profile.get(step.context, {});
        user.locale = lng;
        await step.context.sendActivity({ type: 'message', text: i18n.t('language.chosen', { lng }), locale: lng, channelData: { node: 'language.chosen' } });
        return step.endDialog(lng);
      },
    ]),
  );
  dialogs.add(
    new WaterfallDialog(ROOT_DIALOG, [
      async (step: WaterfallStepContext) => {
        const user = await profile.get(step.context, {});
        const again = (step.options as { language?: boolean } | undefined)?.language === true;
        return user.locale && !again ? step.next() : step.beginDialog(LANGUAGE_DIALOG);
      },
      async (step: WaterfallStepContext) => {
        const options = (step.options ?? {}) as PathOptions;
        if (options.command) return step.beginDialog(PATH_DIALOG, options);
        const user = await profile.get(step.context, {});
        let start = options.start ?? deps.starts.menu;
        if (!user.welcomed) {
          user.welcomed = true;
          start = deps.starts.welcome;
        }
        return step.beginDialog(PATH_DIALOG, { start });
      },
      async (step: WaterfallStepContext) => step.endDialog(),
    ]),
  );
}
