import { expect } from 'chai';
import i18next from 'i18next';
import { Wording } from '../../src/paths/wording';
import type { Fact } from '../../src/paths/types';

describe('path texts with municipality facts', () => {
  const i18n = i18next.createInstance();
  void i18n.init({
    initAsync: false,
    lng: 'da',
    fallbackLng: 'da',
    interpolation: { escapeValue: false },
    resources: {
      da: { paths: { common: { ask_caseworker: 'spørg din sagsbehandler' }, t: 'Tlf. {{phone}}, åbent {{hours}}, {{address}}.' } },
      en: { paths: { common: { ask_caseworker: 'ask your caseworker' }, t: 'Phone {{phone}}, open {{hours}}, {{address}}.' } },
    },
  });
  const origin = { file: 'dialogs/municipality.yaml', line: 1 };
  const facts = new Map<string, Fact>([
    ['phone', { value: null, status: 'to_be_confirmed', source: 's', checked: '2026-11-27', origin }],
    ['hours', { value: { da: 'man-tor 8-15', en: 'Mon-Thu 8-15' }, status: 'confirmed', source: 's', checked: '2026-11-27', origin }],
    ['address', { value: 'Kongevej 57, 6270 Tønder', source: 's', checked: '2026-11-27', origin }],
  ]);
  const wording = new Wording(i18n, facts, ['da', 'en'], 'da');

  it('says "ask your caseworker" for a fact to be confirmed, and a per-language value in its language', () => {
    expect(wording.path('t', 'da')).to.equal('Tlf. spørg din sagsbehandler, åbent man-tor 8-15, Kongevej 57, 6270 Tønder.');
    expect(wording.path('t', 'en')).to.equal('Phone ask your caseworker, open Mon-Thu 8-15, Kongevej 57, 6270 Tønder.');
  });

  it('never says a value that is still marked to be confirmed', () => {
    const guessed = new Map(facts);
    guessed.set('phone', { ...facts.get('phone')!, value: '12 34 56 78' });
    expect(new Wording(i18n, guessed, ['da'], 'da').path('t', 'da')).to.contain('Tlf. spørg din sagsbehandler').and.not.contain('12 34');
  });
});
