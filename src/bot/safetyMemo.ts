import type { SafetyAssessment, SafetyHit, SafetyScreen } from '../nlu/safety';

/** Texts up to this long are remembered: "1", "yes", "ja", button labels come again and again. */
export const SAFETY_MEMO_MAX_CHARS = 40;
/** At most this many texts; the oldest goes first. */
export const SAFETY_MEMO_ENTRIES = 5000;

/**
 * The safety screen's assessment of short texts, remembered. The assessment is a pure function of
 * the text and the preferred languages (the screen is not changed after it is built), so a
 * remembered one is the one the screen would give again; it is frozen, so no caller can change it
 * for the next.
 */
export class SafetyMemo {
  private readonly known = new Map<string, SafetyAssessment>();

  constructor(
    private readonly screen: Pick<SafetyScreen, 'assess'>,
    private readonly entries = SAFETY_MEMO_ENTRIES,
  ) {}

  assess(text: string, preferred: string[] = []): SafetyAssessment {
    if (text.length > SAFETY_MEMO_MAX_CHARS) return this.screen.assess(text, preferred);
    // A language code holds no newline: the key cannot be read two ways.
    const key = `${preferred.join(',')}\n${text}`;
    const known = this.known.get(key);
    if (known !== undefined) return known;
    const assessment = frozen(this.screen.assess(text, preferred));
    if (this.known.size >= this.entries) this.known.delete(this.known.keys().next().value!);
    this.known.set(key, assessment);
    return assessment;
  }

  /** How many texts it holds (for tests). */
  get size(): number {
    return this.known.size;
  }
}

function frozen(a: SafetyAssessment): SafetyAssessment {
  const hit = (h: SafetyHit | undefined): SafetyHit | undefined => (h ? Object.freeze({ ...h }) : undefined);
  const out: SafetyAssessment = {};
  if (a.alarm) out.alarm = hit(a.alarm);
  if (a.borderline) out.borderline = hit(a.borderline);
  return Object.freeze(out);
}
