import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { testRedisUrl } from './hooks';

const ROOT = join(__dirname, '..', '..');

/** Runs `npm run caseworker:add` (its source, through tsx) on the test Redis under `prefix`, with `input` on stdin. */
export function runCaseworkerAdd(prefix: string, args: string[], input = ''): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'handoff', 'console', 'addCaseworker.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix, LOG_LEVEL: 'silent' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.end(input);
    child.on('close', (code) => resolve({ code, out }));
  });
}
