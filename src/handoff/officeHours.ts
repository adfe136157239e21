import type { Fact } from '../paths/types';

/** The municipality fact the hours are read from. */
export const OFFICE_HOURS_FACT = 'caseworker_hours';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

interface Span {
  days: Set<number>;
  /** Minutes after midnight, local time. */
  from: number;
  to: number;
}

/**
 * When caseworkers answer, from the municipality fact `caseworker_hours` (dialogs/municipality.yaml):
 * "mon-thu 08:00-15:00, fri 08:00-12:00" in Danish local time. Unknown (to be confirmed, or a value
 * that does not read as hours): the bot promises no time.
 */
export class OfficeHours {
  private readonly spans: Span[] | undefined;

  constructor(readonly text: string | undefined, private readonly timeZone = 'Europe/Copenhagen') {
    this.spans = text ? parseHours(text) : undefined;
  }

  static fromFacts(facts: Map<string, Fact>): OfficeHours {
    const fact = facts.get(OFFICE_HOURS_FACT);
    const value = fact && fact.status !== 'to_be_confirmed' && typeof fact.value === 'string' ? fact.value : undefined;
    return new OfficeHours(value);
  }

  /** Whether the hours are known. */
  get known(): boolean {
    return this.spans !== undefined;
  }

  /** Whether caseworkers are at work at `when`; undefined when the hours are not known. */
  isOpen(when: Date): boolean | undefined {
    if (!this.spans) return undefined;
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone: this.timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(when);
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    const day = DAYS.indexOf(get('weekday').slice(0, 3).toLowerCase() as (typeof DAYS)[number]);
    const minutes = Number(get('hour')) * 60 + Number(get('minute'));
    return this.spans.some((s) => s.days.has(day) && minutes >= s.from && minutes < s.to);
  }
}

/** "mon-thu 08:00-15:00, fri 08:00-12:00" → spans; undefined when any part does not read. */
export function parseHours(text: string): Span[] | undefined {
  const spans: Span[] = [];
  for (const part of text.split(/[,;]/).map((p) => p.trim().toLowerCase()).filter(Boolean)) {
    const m = /^([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/.exec(part);
    if (!m) return undefined;
    const first = DAYS.indexOf(m[1] as (typeof DAYS)[number]);
    const last = DAYS.indexOf((m[2] ?? m[1]) as (typeof DAYS)[number]);
    if (first < 0 || last < 0) return undefined;
    const days = new Set<number>();
    for (let d = first; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === last) break;
    }
    const from = Number(m[3]) * 60 + Number(m[4]);
    const to = Number(m[5]) * 60 + Number(m[6]);
    if (!(from < to && to <= 24 * 60)) return undefined;
    spans.push({ days, from, to });
  }
  return spans.length > 0 ? spans : undefined;
}
