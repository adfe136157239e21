import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * `--set <folder>`: an evaluation set laid out as test/nlu-dev is (`<lng>.jsonl` for intents,
 * `routing/<lng>.jsonl`, `safety/<lng>.jsonl`), e.g. test/nlu-dev/heldout-2026-12. Undefined when not given;
 * throws with a clear message when the folder is missing.
 */
export function setOption(argv: string[] = process.argv.slice(2)): string | undefined {
  const at = argv.indexOf('--set');
  if (at < 0) return undefined;
  const value = argv[at + 1];
  if (value === undefined || value.startsWith('--')) throw new Error('--set needs a folder, e.g. --set test/nlu-dev/heldout-2026-12');
  const folder = resolve(value);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new Error(`--set ${value}: no such folder`);
  return folder;
}
