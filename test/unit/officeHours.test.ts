import { expect } from 'chai';
import { OfficeHours, parseHours } from '../../src/handoff/officeHours';

describe('office hours (municipality fact caseworker_hours)', () => {
  it('reads "mon-thu 08:00-15:00, fri 08:00-12:00" in Danish local time', () => {
    const hours = new OfficeHours('mon-thu 08:00-15:00, fri 08:00-12:00');
    expect(hours.known).to.equal(true);
    // Monday 30 Nov 2026 is winter time (UTC+1): 08:30 local = 07:30 UTC
    expect(hours.isOpen(new Date('2026-11-30T07:30:00Z'))).to.equal(true);
    expect(hours.isOpen(new Date('2026-11-30T06:59:00Z')), '07:59 local').to.equal(false);
    expect(hours.isOpen(new Date('2026-12-04T10:30:00Z')), 'Friday 11:30').to.equal(true);
    expect(hours.isOpen(new Date('2026-12-04T11:30:00Z')), 'Friday 12:30').to.equal(false);
    expect(hours.isOpen(new Date('2026-11-28T10:00:00Z')), 'Saturday').to.equal(false);
    // summer time (UTC+2): 14:30 local = 12:30 UTC on a Wednesday
    expect(hours.isOpen(new Date('2026-07-01T12:30:00Z'))).to.equal(true);
    expect(hours.isOpen(new Date('2026-07-01T13:30:00Z'))).to.equal(false);
  });

  it('is unknown (no promise) when to be confirmed or unreadable', () => {
    expect(new OfficeHours(undefined).isOpen(new Date())).to.equal(undefined);
    expect(parseHours('weekdays 9 to 3')).to.equal(undefined);
    expect(parseHours('mon 15:00-08:00')).to.equal(undefined);
    const fact = { value: null, status: 'to_be_confirmed' as const, source: 's', checked: '2026-12-01', origin: { file: 'f', line: 1 } };
    expect(OfficeHours.fromFacts(new Map([['caseworker_hours', fact]])).known).to.equal(false);
  });

  it('wraps a span over the weekend (fri-mon)', () => {
    const spans = parseHours('fri-mon 10:00-11:00')!;
    expect([...spans[0].days].sort()).to.deep.equal([0, 1, 5, 6]);
  });
});
