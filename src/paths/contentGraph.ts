/**
 * `npm run content:graph`: draws dialogs/ as docs/paths.svg (Danish texts in the boxes), for the
 * policy committee and dialogs/README.md. Stops with the problems when the paths cannot be loaded.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../projectRoot';
import { drawPaths } from './diagram';
import { loadGraph } from './graph';
import { LOCALES_DIR, readLocaleFile, PATHS_NS } from './texts';

function main(): void {
  const graph = loadGraph(process.env.DIALOGS_DIR?.trim() || undefined);
  const lng = process.env.GRAPH_LOCALE ?? 'da';
  const svg = drawPaths(graph, readLocaleFile(process.env.LOCALES_DIR?.trim() || LOCALES_DIR, lng, PATHS_NS));
  const out = join(PROJECT_ROOT, 'docs', 'paths.svg');
  mkdirSync(join(PROJECT_ROOT, 'docs'), { recursive: true });
  writeFileSync(out, svg);
  process.stdout.write(`content:graph: ${graph.nodes.size} nodes in ${graph.files.length} paths → docs/paths.svg (${svg.length} bytes)\n`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`content:graph: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
