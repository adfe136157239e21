import type { TurnContext } from 'botbuilder';
import { ChoiceFactory, ChoicePrompt, type FoundChoice, type PromptOptions, type PromptRecognizerResult, findChoices } from 'botbuilder-dialogs';

/** A bare number, as SMS users answer a numbered list ("2"). */
const BARE_NUMBER = /^\s*(\d{1,3})\s*$/;

/**
 * botbuilder's ChoicePrompt, with its answer to a bare number found without the number
 * recognisers: `recognizeChoices` tries the choices' names first, then Recognizers-Text's
 * ordinal and number models, which build their models anew on every call (about 0.2 ms a turn
 * here). A bare number that names no choice (findChoices, as botbuilder does first) is not an
 * ordinal, and the number model reads it as itself: so "2" picks the second choice, as botbuilder
 * would. Anything else goes to botbuilder's own recognition.
 */
export class LeanChoicePrompt extends ChoicePrompt {
  protected override async onRecognize(context: TurnContext, state: unknown, options: PromptOptions): Promise<PromptRecognizerResult<FoundChoice>> {
    const text = context.activity.text;
    const number = typeof text === 'string' ? BARE_NUMBER.exec(text) : null;
    const recognizer = this.recognizerOptions ?? {};
    if (number && recognizer.recognizeNumbers !== false) {
      const choices = ChoiceFactory.toChoices(options.choices ?? []);
      const index = Number(number[1]) - 1;
      if (index >= 0 && index < choices.length && findChoices(text!, choices, recognizer).length === 0) {
        return { succeeded: true, value: { value: choices[index].value, index, score: 1 } };
      }
    }
    return super.onRecognize(context, state, options);
  }
}
