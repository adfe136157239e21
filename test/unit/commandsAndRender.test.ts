import { expect } from 'chai';
import { CommandWords } from '../../src/bot/commands';
import { createI18n } from '../../src/i18n';
import { pickChoice, render } from '../../src/channels/render';

describe('command words', () => {
  const commands = new CommandWords(createI18n({ locales: ['da', 'en'], fallback: 'da' }), ['da', 'en']);

  it('knows every command in Danish and English, loosely written', async () => {
    for (const [lng, words] of [
      ['da', { menu: 'Menu', back: 'tilbage', help: 'Hjælp!', language: 'sprog', human: 'tal med et menneske', delete_data: 'Slet mine data', stop: 'STOP' }],
      ['en', { menu: 'start over', back: 'Back', help: 'help', language: 'Language', human: 'talk to a person', delete_data: 'delete my data.', stop: 'stop' }],
    ] as const) {
      for (const [command, word] of Object.entries(words)) expect(await commands.detectCommand(word, lng), `${lng}: ${word}`).to.equal(command);
    }
  });

  it('understands a command in another enabled language, and nothing in ordinary sentences', async () => {
    expect(await commands.detectCommand('hjælp', 'en')).to.equal('help');
    expect(await commands.detectCommand('I need help with my back', 'en')).to.equal(undefined);
    expect(await commands.detectCommand('', 'da')).to.equal(undefined);
  });

  it('tells yes and no apart from commands', async () => {
    expect(await commands.detectAnswer('Ja', 'da')).to.equal('yes');
    expect(await commands.detectAnswer('no', 'en')).to.equal('no');
    expect(await commands.detectAnswer('nej tak', 'en')).to.equal('no');
    expect(await commands.detectCommand('ja', 'da')).to.equal(undefined);
    expect(await commands.detectAnswer('menu', 'da')).to.equal(undefined);
  });
});

describe('channel-aware rendering', () => {
  const message = { node: 'menu.main', locale: 'en', text: 'What do you want to know?', choices: ['Work', 'School', 'Leisure'], awaiting: 'menu.main' };

  it('uses suggested actions on web chat, Direct Line and the Emulator', () => {
    for (const channel of ['webchat', 'directline', 'emulator']) {
      const activity = render(channel, message);
      expect(activity.suggestedActions?.actions.map((a) => [a.type, a.title, a.value])).to.deep.equal([
        ['imBack', 'Work', 'Work'],
        ['imBack', 'School', 'School'],
        ['imBack', 'Leisure', 'Leisure'],
      ]);
      expect(activity.text).to.equal('What do you want to know?');
      expect(activity.channelData).to.deep.equal({ node: 'menu.main', awaiting: 'menu.main' });
      expect(activity.locale).to.equal('en');
    }
  });

  it('uses a hero card with imBack buttons on Teams', () => {
    const activity = render('msteams', message);
    expect(activity.suggestedActions).to.equal(undefined);
    const card = activity.attachments?.[0];
    expect(card?.contentType).to.equal('application/vnd.microsoft.card.hero');
    const content = card?.content as { text: string; buttons: { type: string; value: string }[] };
    expect(content.text).to.equal('What do you want to know?');
    expect(content.buttons.map((b) => [b.type, b.value])).to.deep.equal([['imBack', 'Work'], ['imBack', 'School'], ['imBack', 'Leisure']]);
  });

  it('puts a link on Teams cards as a button of its own', () => {
    const activity = render('msteams', { ...message, link: { url: 'https://www.borger.dk', label: 'Read more' } });
    const content = activity.attachments?.[0].content as { text: string; buttons: { type: string; title: string; value: string }[] };
    expect(content.text).to.equal('What do you want to know?');
    expect(content.buttons.at(-1)).to.deep.equal({ type: 'openUrl', title: 'Read more', value: 'https://www.borger.dk' });
    expect(content.buttons).to.have.length(4);
  });

  it('uses a short numbered list on SMS, with a plain link', () => {
    const activity = render('sms', { ...message, link: { url: 'https://www.borger.dk', label: 'Read more' } });
    expect(activity.text).to.equal('What do you want to know?\nRead more: https://www.borger.dk\n1. Work\n2. School\n3. Leisure');
    expect(activity.suggestedActions).to.equal(undefined);
    expect(activity.attachments).to.equal(undefined);
  });

  it('picks a choice by its number or its text', () => {
    const choices = ['Work', 'School', 'Leisure'];
    expect(pickChoice('2', choices)).to.equal(1);
    expect(pickChoice(' 3. ', choices)).to.equal(2);
    expect(pickChoice('school', choices)).to.equal(1);
    expect(pickChoice('٢', choices), 'Arabic-Indic digit').to.equal(1);
    expect(pickChoice('۳', choices), 'Persian digit').to.equal(2);
    expect(pickChoice('4', choices)).to.equal(undefined);
    expect(pickChoice('0', choices)).to.equal(undefined);
    expect(pickChoice('I like school', choices)).to.equal(undefined);
  });
});
