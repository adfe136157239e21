/**
 * `npm run clu:export [-- --project NAME] [--out DIR]`: writes deploy/clu/<project>.json (or DIR/<project>.json),
 * the CLU project import file, from locales/<lng>/nlu.json. The project name defaults to CLU_PROJECT.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { PROJECT_ROOT } from '../../projectRoot';
import { buildCluProject } from '../cluExport';
import { loadPhraseBank } from '../phrases';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}
const project = option('--project') ?? process.env.CLU_PROJECT ?? 'tonder-integration-bot';
if (!/^[A-Za-z0-9_.-]{1,100}$/.test(project)) {
  process.stderr.write(`clu:export: the project name ${JSON.stringify(project)} may hold only letters, digits, "_", "." and "-"\n`);
  process.exit(2);
}
const file = buildCluProject(loadPhraseBank(), project);
const dir = resolve(option('--out') ?? join(PROJECT_ROOT, 'deploy', 'clu'));
mkdirSync(dir, { recursive: true });
const path = join(dir, `${project}.json`);
writeFileSync(path, JSON.stringify(file, null, 2) + '\n');
const languages = new Set(file.assets.utterances.map((u) => u.language));
process.stdout.write(`clu:export: ${relative(PROJECT_ROOT, path)}: ${file.assets.intents.length} intents, ${file.assets.utterances.length} utterances in ${languages.size} languages\n`);
