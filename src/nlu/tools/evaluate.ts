/** `npm run nlu:eval`: accuracy of the embedded recogniser on the development set (test/nlu-dev). */
import { EmbeddedRecognizer } from '../embeddedRecognizer';
import { evaluate, loadDevSet, percent, type Tally } from '../evaluation';
import { SafetyScreen } from '../safety';

const started = process.hrtime.bigint();
const recognizer = new EmbeddedRecognizer();
const trainedMs = Number(process.hrtime.bigint() - started) / 1e6;
const report = evaluate(recognizer, loadDevSet(), SafetyScreen.default());
const line = (name: string, t: Tally): string => `  ${name.padEnd(32)} ${percent(t).padStart(8)}  (${t.correct}/${t.total})`;
const out: string[] = [];
out.push(`Top-1 intent accuracy: ${percent(report.overall)} (${report.overall.correct}/${report.overall.total}); at the top level (subtopic counted as its topic): ${percent(report.topLevel)}`);
out.push('By language:', ...Object.entries(report.byLanguage).map(([k, t]) => line(k, t)));
out.push('By intent:', ...Object.entries(report.byIntent).map(([k, t]) => line(k, t)));
out.push(`Language identification, 3 words or more: ${percent(report.languageId)} (${report.languageId.correct}/${report.languageId.total})`);
out.push(...Object.entries(report.languageIdByLanguage).map(([k, t]) => line(k, t)));
out.push('Most common intent confusions (expected → got):');
out.push(...report.confusions.slice(0, 15).map((c) => `  ${c.count} × ${c.expected} → ${c.got}   e.g. ${JSON.stringify(c.example)}`));
out.push('Most common language confusions:');
out.push(...report.languageConfusions.slice(0, 8).map((c) => `  ${c.count} × ${c.expected} → ${c.got}   e.g. ${JSON.stringify(c.example)}`));
out.push(`Median recognition time: ${report.medianMs.toFixed(3)} ms per utterance; safety screen ${report.safetyMedianMs.toFixed(3)} ms; training at start-up ${trainedMs.toFixed(0)} ms`);
process.stdout.write(out.join('\n') + '\n');
