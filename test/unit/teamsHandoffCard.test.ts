import { expect } from 'chai';
import { handoffCard, consoleLink, VERB } from '../../src/channels/teams/caseworker/handoffCard';
import { createI18n } from '../../src/i18n';
import type { HandoffRecord } from '../../src/handoff/types';

const i18n = createI18n({ locales: ['da', 'en', 'ar'], fallback: 'da' });
const NOW = Date.UTC(2026, 11, 2, 10, 30);
const record = (fields: Partial<HandoffRecord> = {}): HandoffRecord => ({
  conversationId: 'conv/1?x',
  state: 'queued',
  priority: 'normal',
  topic: 'work',
  reason: 'work.handoff_reason',
  trigger: 'path',
  language: 'ar',
  channel: 'sms',
  profile: { group: 'refugee', has_children: true },
  reference: { user: { id: '+4512345678', name: 'Amina' } },
  requestedAt: NOW - 7 * 60_000,
  updatedAt: NOW,
  version: 1,
  ...fields,
});
const json = (x: unknown) => JSON.stringify(x);

describe('the handoff card for the caseworkers\' Teams channel', () => {
  it('is an Adaptive Card 1.5 with what the console shows and no personal data: not the number, the name or the conversation\'s text', () => {
    const card = handoffCard(record(), { i18n, lng: 'da', publicUrl: 'https://bot.example.test', now: NOW });
    expect(card.version).to.equal('1.5');
    const facts = Object.fromEntries((card.body.find((b) => b.type === 'FactSet')!.facts as { title: string; value: string }[]).map((f) => [f.title, f.value]));
    expect(facts).to.include({ Kanal: 'sms', Gruppe: 'refugee', Emne: 'work', Prioritet: 'Normal', Venter: '7 minutter' });
    expect(facts.Sprog).to.match(/\(ar\)$/);
    expect(json(card)).not.to.match(/4512345678|Amina/);
    expect(card.actions).to.have.length.at.most(6);
    expect(card.actions[0]).to.include({ type: 'Action.Execute', verb: VERB.claim });
    expect(card.actions[1]).to.include({ type: 'Action.OpenUrl', url: consoleLink('https://bot.example.test', 'conv/1?x') });
    expect(consoleLink('https://bot.example.test', 'conv/1?x')).to.equal('https://bot.example.test/console#conversation=conv%2F1%3Fx');
  });

  it('marks an urgent request, offers "hand back" (not "assign") once someone has it, and no console link without PUBLIC_URL', () => {
    const urgent = handoffCard(record({ priority: 'urgent' }), { i18n, lng: 'en', publicUrl: undefined, now: NOW });
    expect(urgent.body[0]).to.include({ color: 'Attention', text: 'Urgent: a person needs a member of staff now' });
    expect(urgent.actions.map((a) => a.type)).to.deep.equal(['Action.Execute']);
    const assigned = handoffCard(record({ state: 'assigned', owner: 'anna' }), { i18n, lng: 'en', publicUrl: undefined, now: NOW, notice: 'A colleague (anna) has already taken this conversation.' });
    expect(assigned.actions.map((a) => a.verb)).to.deep.equal([VERB.release]);
    expect(json(assigned.body)).to.contain('anna has the conversation').and.to.contain('A colleague (anna)');
    expect(handoffCard(record({ state: 'bot' }), { i18n, lng: 'en', publicUrl: undefined, now: NOW }).actions).to.deep.equal([]);
  });
});
