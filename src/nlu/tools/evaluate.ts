/**
 * `npm run nlu:eval [-- --set <folder>]`: accuracy of the embedded recogniser on the development set
 * (test/nlu-dev), or on another set laid out the same way (`<lng>.jsonl`, `safety/<lng>.jsonl`), e.g. a
 * held-out set; a held-out set's misses are not listed, so it stays unseen.
 */
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../projectRoot';
import { EmbeddedRecognizer } from '../embeddedRecognizer';
import { evaluate, loadDevSet, percent, type Tally } from '../evaluation';
import { SafetyScreen } from '../safety';
import { evaluateSafety, loadSafetyFolder, loadSafetySet, SAFETY_SETS, type SafetyCase } from '../safetyEvaluation';
import { setOption } from './setOption';

let folder: string | undefined;
try {
  folder = setOption();
} catch (err) {
  process.stderr.write(`nlu:eval: ${(err as Error).message}\n`);
  process.exit(2);
}
const started = process.hrtime.bigint();
const recognizer = new EmbeddedRecognizer();
const trainedMs = Number(process.hrtime.bigint() - started) / 1e6;
const screen = SafetyScreen.load({ bank: recognizer.bank });
const devSet = loadDevSet(folder);
const report = evaluate(recognizer, devSet, screen);
const line = (name: string, t: Tally): string => `  ${name.padEnd(32)} ${percent(t).padStart(8)}  (${t.correct}/${t.total})`;
const out: string[] = [];
if (folder) out.push(`Set: ${relative(PROJECT_ROOT, folder)} (held out: misses are not listed)`);
out.push(`Top-1 intent accuracy: ${percent(report.overall)} (${report.overall.correct}/${report.overall.total}); at the top level (subtopic counted as its topic): ${percent(report.topLevel)}`);
out.push('By language:', ...Object.entries(report.byLanguage).map(([k, t]) => line(k, t)));
out.push('By intent:', ...Object.entries(report.byIntent).map(([k, t]) => line(k, t)));
out.push(`Language identification, 3 words or more: ${percent(report.languageId)} (${report.languageId.correct}/${report.languageId.total})`);
out.push(...Object.entries(report.languageIdByLanguage).map(([k, t]) => line(k, t)));
if (!folder) {
  out.push('Most common intent confusions (expected → got):');
  out.push(...report.confusions.slice(0, 15).map((c) => `  ${c.count} × ${c.expected} → ${c.got}   e.g. ${JSON.stringify(c.example)}`));
  out.push('Most common language confusions:');
  out.push(...report.languageConfusions.slice(0, 8).map((c) => `  ${c.count} × ${c.expected} → ${c.got}   e.g. ${JSON.stringify(c.example)}`));
}
out.push(`Median recognition time: ${report.medianMs.toFixed(3)} ms per utterance; safety screen ${report.safetyMedianMs.toFixed(3)} ms; training at start-up ${trainedMs.toFixed(0)} ms`);
const safetySets: { name: string; cases: SafetyCase[]; listed: boolean; extra: { text: string; locale: string }[] }[] = folder
  ? [{ name: `${relative(PROJECT_ROOT, join(folder, 'safety'))}, never tuned on`, cases: loadSafetyFolder(join(folder, 'safety')), listed: false, extra: [] }]
  : SAFETY_SETS.map((set) => ({
      name: `test/nlu-dev/safety/${set}${set === 'dev' ? ' + the intent dev set as ordinary messages' : ', never tuned on'}`,
      cases: loadSafetySet(set),
      listed: set === 'dev',
      // The intent dev set's messages are all ordinary: they count as false-alarm material too.
      extra: set === 'dev' ? devSet.map((c) => ({ text: c.text, locale: c.locale })) : [],
    }));
for (const set of safetySets) {
  const s = evaluateSafety(screen, set.cases, set.extra);
  out.push('', `Safety screen (${set.name}):`);
  out.push(`  recall (emergency reply at once) ${percent(s.recall)} (${s.recall.correct}/${s.recall.total}); with the "are you in danger?" question ${percent(s.caught)}; false alarms ${percent(s.falseAlarms)} (${s.falseAlarms.correct}/${s.falseAlarms.total}); asked on ordinary messages ${percent(s.asked)} (${s.asked.correct})`);
  if (folder && devSet.length > 0) {
    // The set's intent messages are ordinary too: false alarms on all of them, beside those on the look-alikes written to trap the screen.
    const all = evaluateSafety(screen, set.cases, devSet.map((c) => ({ text: c.text, locale: c.locale })));
    out.push(`  on all ordinary messages (the ${set.cases.length - s.recall.total} look-alikes and the set's ${devSet.length} intent messages): false alarms ${percent(all.falseAlarms)} (${all.falseAlarms.correct}/${all.falseAlarms.total}); asked ${percent(all.asked)} (${all.asked.correct})`);
  }
  out.push('  by language:          recall   +asked   false alarms   asked');
  for (const [k, t] of Object.entries(s.byLanguage)) out.push(`    ${k.padEnd(18)} ${percent(t.recall).padStart(8)} ${percent(t.caught).padStart(8)} ${percent(t.falseAlarms).padStart(8)} (${t.falseAlarms.correct}/${t.falseAlarms.total}) ${String(t.asked.correct).padStart(4)}`);
  out.push('  by kind:              recall   +asked');
  for (const [k, t] of Object.entries(s.byKind)) out.push(`    ${k.padEnd(18)} ${percent(t.recall).padStart(8)} ${percent(t.caught).padStart(8)}  (${t.recall.correct}/${t.recall.total})`);
  if (set.listed) {
    out.push('  misses:', ...s.misses.map((m) => `    ${m.locale} ${m.kind}: ${JSON.stringify(m.text)} → ${m.got}`));
    out.push('  alarms or questions on ordinary messages:', ...s.alarmsOnOrdinary.map((m) => `    ${m.locale}: ${JSON.stringify(m.text)} → ${m.got}`));
  } else out.push(`  (${s.misses.length} misses and ${s.alarmsOnOrdinary.length} alarms on ordinary messages; not listed, so the set stays unseen)`);
}
process.stdout.write(out.join('\n') + '\n');
