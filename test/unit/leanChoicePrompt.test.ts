import { expect } from 'chai';
import { TestAdapter, TurnContext } from 'botbuilder';
import { ChoicePrompt, type Choice, type PromptOptions } from 'botbuilder-dialogs';
import { LeanChoicePrompt } from '../../src/bot/leanChoicePrompt';

/** What a prompt recognises in `text` (onRecognize is protected: called as the prompt calls it). */
async function recognise(prompt: ChoicePrompt, text: string, choices: (string | Choice)[], locale = 'da'): Promise<unknown> {
  const context = new TurnContext(new TestAdapter(), { type: 'message', text, locale, channelId: 'test', conversation: { id: 'c' } as never, from: { id: 'u', name: 'u' }, recipient: { id: 'bot', name: 'bot' } });
  const onRecognize = (prompt as unknown as { onRecognize(c: TurnContext, s: unknown, o: PromptOptions): Promise<unknown> }).onRecognize.bind(prompt);
  return onRecognize(context, {}, { choices });
}

describe('LeanChoicePrompt: what botbuilder\'s ChoicePrompt recognises, a bare number without the number recognisers', () => {
  const languages: Choice[] = [
    { value: 'Dansk', synonyms: ['da', 'danish', 'dansk'] },
    { value: 'English', synonyms: ['en', 'engelsk'] },
    { value: 'العربية', synonyms: ['ar', 'arabic'] },
  ];
  const numbered: (string | Choice)[] = ['red', { value: '2', synonyms: ['two'] }, 'blue'];
  for (const [choices, texts] of [
    [languages, ['1', '2', ' 3 ', '03', '0', '4', '12', 'English', 'engelsk', 'the second one', 'two', '2nd', 'ar']],
    // a choice named "2": found by its name, not as the second choice
    [numbered, ['1', '2', '3', 'two']],
  ] as const) {
    for (const text of texts) {
      it(`"${text}" among ${choices.length} choices`, async () => {
        const stock = await recognise(new ChoicePrompt('stock'), text, [...choices]);
        const lean = await recognise(new LeanChoicePrompt('lean'), text, [...choices]);
        expect(lean).to.deep.equal(stock);
      });
    }
  }
});
