/** The recogniser's and the safety screen's time per message on the intent dev set, for `npm run bench`. */
import { EmbeddedRecognizer } from '../src/nlu/embeddedRecognizer';
import { loadDevSet } from '../src/nlu/evaluation';
import { SafetyScreen } from '../src/nlu/safety';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export function understandingFigures(): string {
  const recognizer = new EmbeddedRecognizer();
  const screen = SafetyScreen.load({ bank: recognizer.bank });
  const texts = loadDevSet().map((c) => ({ text: c.text, locale: c.locale }));
  // One warm-up pass, then one measured pass (bounded: the dev set, about 3,300 messages).
  for (const { text, locale } of texts) {
    recognizer.recognizeNow(text, locale);
    screen.assess(text, [locale]);
  }
  const recognise: number[] = [];
  const safety: number[] = [];
  for (const { text, locale } of texts) {
    let t = process.hrtime.bigint();
    recognizer.recognizeNow(text, locale);
    recognise.push(Number(process.hrtime.bigint() - t) / 1e6);
    t = process.hrtime.bigint();
    screen.assess(text, [locale]);
    safety.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return `Understanding, ${texts.length} dev-set messages: recogniser median ${median(recognise).toFixed(3)} ms per message (goal < 0.3 ms); safety screen median ${median(safety).toFixed(3)} ms`;
}
