import { expect } from 'chai';
import { mergeState } from '../../src/state/mergeState';

describe('mergeState: a turn\'s change applied onto what another conversation stored meanwhile', () => {
  it('keeps both sides\' changes to different fields, at any depth', () => {
    const base = { profile: { locale: 'da', group: 'unknown' } };
    const mine = { profile: { locale: 'da', group: 'refugee' } };
    const theirs = { profile: { locale: 'da', group: 'unknown', has_children: true } };
    expect(mergeState(base, mine, theirs)).to.deep.equal({ profile: { locale: 'da', group: 'refugee', has_children: true } });
  });

  it('lets this turn win where both changed the same value, and treats arrays as one value', () => {
    expect(mergeState({ a: 1, l: [1] }, { a: 2, l: [1, 2] }, { a: 3, l: [0] })).to.deep.equal({ a: 2, l: [1, 2] });
  });

  it('keeps what the other side removed removed, unless this turn changed it', () => {
    expect(mergeState({ a: 1, b: 1 }, { a: 1, b: 2 }, { b: 1 })).to.deep.equal({ b: 2 });
    expect(mergeState({ a: 1, b: 1 }, { a: 1, b: 1, c: 3 }, { b: 1 })).to.deep.equal({ b: 1, c: 3 });
  });

  it('after another conversation erased the user, keeps only what this turn set', () => {
    const base = { profile: { locale: 'en', group: 'refugee' } };
    const mine = { profile: { locale: 'en', group: 'refugee', has_children: false } };
    expect(mergeState(base, mine, undefined)).to.deep.equal({ profile: { has_children: false } });
  });

  it('merges two first answers of a new user (no base)', () => {
    expect(mergeState(undefined, { profile: { locale: 'da' } }, { profile: { group: 'other' } })).to.deep.equal({ profile: { locale: 'da', group: 'other' } });
  });
});
