import { expect } from 'chai';
import { CardFactory, type HeroCard } from 'botbuilder';
import { adaptiveCardOf, TEAMS_MAX_ACTIONS } from '../../src/channels/teams/cards';
import { render } from '../../src/channels/render';

type Action = { type: string; title: string; url?: string; data?: { msteams: { type: string; value: string } }; card?: { actions: Action[]; rtl?: boolean } };
type Card = { version: string; rtl?: boolean; body: { text: string }[]; actions: Action[] };

const hero = (n: number, link = false): HeroCard => ({
  title: '',
  subtitle: '',
  images: [],
  tap: undefined as unknown as HeroCard['tap'],
  text: 'Vælg',
  buttons: [
    ...Array.from({ length: n }, (_, i) => ({ type: 'imBack', title: `Valg ${i + 1}`, value: `Valg ${i + 1}` })),
    ...(link ? [{ type: 'openUrl', title: 'Læs mere', value: 'https://nyidanmark.dk' }] : []),
  ],
});
const card = (h: HeroCard, rtl = false) => adaptiveCardOf(h, { rtl, moreLabel: 'Flere valg' }).content as Card;

describe('Teams cards (src/channels/teams/cards.ts)', () => {
  it('keeps up to six buttons on the card as they are, each answering with its text', () => {
    const c = card(hero(6));
    expect(c.version).to.equal('1.5');
    expect(c.actions.map((a) => a.data?.msteams)).to.deep.equal(Array.from({ length: 6 }, (_, i) => ({ type: 'imBack', value: `Valg ${i + 1}` })));
    expect(c.body[0].text).to.equal('Vælg');
  });

  it('puts the seventh button and on behind "more", and nests again past twelve', () => {
    const seven = card(hero(7));
    expect(seven.actions).to.have.length(TEAMS_MAX_ACTIONS);
    expect(seven.actions[5]).to.include({ type: 'Action.ShowCard', title: 'Flere valg' });
    expect(seven.actions[5].card!.actions.map((a) => a.title)).to.deep.equal(['Valg 6', 'Valg 7']);
    const fifteen = card(hero(15));
    const inner = fifteen.actions[5].card!.actions;
    expect(inner).to.have.length(6);
    expect(inner[5].type).to.equal('Action.ShowCard');
    expect(inner[5].card!.actions.map((a) => a.title)).to.deep.equal(['Valg 11', 'Valg 12', 'Valg 13', 'Valg 14', 'Valg 15']);
  });

  it('makes a link a card action that opens it', () => {
    const c = card(hero(2, true));
    expect(c.actions[2]).to.deep.equal({ type: 'Action.OpenUrl', title: 'Læs mere', url: 'https://nyidanmark.dk' });
  });

  it('marks the card right to left when asked, nested cards too', () => {
    const c = card(hero(8), true);
    expect(c.rtl).to.equal(true);
    expect(c.actions[5].card!.rtl).to.equal(true);
    expect(card(hero(2)).rtl).to.equal(undefined);
  });

  it('render: on Teams a message with a link and no buttons is a card with an open-link action; web chat keeps a Markdown link', () => {
    const message = { node: 'work.igu', locale: 'da', text: 'IGU er en uddannelse.', link: { url: 'https://example.org/igu', label: 'Læs om IGU' } };
    const teams = render('msteams', message);
    const heroCard = teams.attachments![0];
    expect(heroCard.contentType).to.equal(CardFactory.contentTypes.heroCard);
    expect((heroCard.content as HeroCard).buttons).to.deep.equal([{ type: 'openUrl', title: 'Læs om IGU', value: 'https://example.org/igu' }]);
    expect((heroCard.content as HeroCard).text).to.equal('IGU er en uddannelse.');
    expect(render('directline', message).text).to.equal('IGU er en uddannelse.\n\n[Læs om IGU](https://example.org/igu)');
    expect(render('sms', message).text).to.equal('IGU er en uddannelse.\nLæs om IGU: https://example.org/igu');
  });
});
