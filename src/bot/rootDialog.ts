import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import { ChoicePrompt, type Choice, type DialogSet, type FoundChoice, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { i18n } from 'i18next';
import type { UserProfile } from './profile';

export const ROOT_DIALOG = 'root';
export const LANGUAGE_DIALOG = 'language';
const LANGUAGE_PROMPT = 'languagePrompt';

interface RootDialogDeps {
  i18n: i18n;
  profile: StatePropertyAccessor<UserProfile>;
  locales: string[];
  localeOf(context: TurnContext): Promise<string>;
}

/**
 * The root dialog of the foundation: ask the language once, then say honestly what the bot can
 * do so far. The topic paths replace the second step.
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
        step.prompt(LANGUAGE_PROMPT, { prompt, retryPrompt: retry, choices }),
      async (step: WaterfallStepContext) => {
        const index = (step.result as FoundChoice).index;
        const lng = locales[index];
        const user = await profile.get(step.context, {});
        user.locale = lng;
        await step.context.sendActivity({ type: 'message', text: i18n.t('language.chosen', { lng }), locale: lng });
        return step.endDialog(lng);
      },
    ]),
  );
  dialogs.add(
    new WaterfallDialog(ROOT_DIALOG, [
      async (step: WaterfallStepContext) => {
        const user = await profile.get(step.context, {});
        return user.locale ? step.next() : step.beginDialog(LANGUAGE_DIALOG);
      },
      async (step: WaterfallStepContext) => {
        const lng = await deps.localeOf(step.context);
        await step.context.sendActivity({ type: 'message', text: i18n.t('shell.notYet', { lng }), locale: lng });
        return step.endDialog();
      },
    ]),
  );
}
