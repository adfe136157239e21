/** `npm run nlu:routing`: how many held-out newcomer questions (test/nlu-dev/routing) reach their area's path. */
import { EmbeddedRecognizer } from '../embeddedRecognizer';
import { evaluateRouting, loadRoutingSet } from '../routing';

async function main(): Promise<void> {
  const report = await evaluateRouting(new EmbeddedRecognizer(), loadRoutingSet());
  const pct = (t: { reached: number; total: number }) => `${((100 * t.reached) / t.total).toFixed(1).padStart(5)} % (${t.reached}/${t.total})`;
  const out = [`Questions that reach their area: ${pct(report.overall)}`, 'By area:'];
  out.push(...Object.entries(report.byArea).map(([k, t]) => `  ${k.padEnd(14)} ${pct(t)}`));
  out.push('By language:', ...Object.entries(report.byLanguage).map(([k, t]) => `  ${k.padEnd(14)} ${pct(t)}`));
  out.push('Misses (area → where it went):', ...report.misses.map((m) => `  ${m.locale} ${m.area} → ${m.got}: ${JSON.stringify(m.text)}`));
  process.stdout.write(out.join('\n') + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`nlu:routing could not run: ${(err as Error).message}\n`);
  process.exitCode = 2;
});
