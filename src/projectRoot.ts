import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The folder with package.json, whether running from src/ (tsx) or dist/src/ (compiled). */
export const PROJECT_ROOT = ((): string => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
})();
