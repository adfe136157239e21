/**
 * `npm run nlu:routing [-- --set <folder>]`: how many newcomer questions (test/nlu-dev/routing, or
 * <folder>/routing) reach their area's path; a --set folder's misses are not listed, so it stays unseen.
 */
import { join } from 'node:path';
import { loadGraph, pathsOf, subtopicNode } from '../../paths/graph';
import { EmbeddedRecognizer } from '../embeddedRecognizer';
import { evaluateRouting, loadRoutingSet } from '../routing';
import { setOption } from './setOption';

async function main(): Promise<void> {
  const folder = setOption();
  const graph = loadGraph();
  const paths = { stepOf: (subtopic: string) => subtopicNode(graph, subtopic)?.id, areasOf: (step: string) => pathsOf(graph, step) };
  const report = await evaluateRouting(new EmbeddedRecognizer(), loadRoutingSet(folder ? join(folder, 'routing') : undefined), paths);
  const pct = (t: { reached: number; total: number }) => `${((100 * t.reached) / t.total).toFixed(1).padStart(5)} % (${t.reached}/${t.total})`;
  const out = [`Questions that reach their area: ${pct(report.overall)}`, 'By area:'];
  out.push(...Object.entries(report.byArea).map(([k, t]) => `  ${k.padEnd(14)} ${pct(t)}`));
  out.push('By language:', ...Object.entries(report.byLanguage).map(([k, t]) => `  ${k.padEnd(14)} ${pct(t)}`));
  const moneyToReturn = report.misses.filter((m) => m.area === 'money' && (m.got === 'return_home' || m.got.startsWith('return_home.'))).length;
  out.push(`Money questions that reach return-home support: ${moneyToReturn} (must be 0)`);
  if (folder) out.push(`(${report.misses.length} misses; not listed, so the set stays unseen)`);
  else out.push('Misses (area → where it went):', ...report.misses.map((m) => `  ${m.locale} ${m.area} → ${m.got}: ${JSON.stringify(m.text)}`));
  process.stdout.write(out.join('\n') + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`nlu:routing could not run: ${(err as Error).message}\n`);
  process.exitCode = 2;
});
