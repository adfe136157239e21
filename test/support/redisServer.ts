import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './freePort';

/**
 * A throwaway redis-server for the tests, on a free port, keeping nothing on disk; or the server at
 * REDIS_TEST_URL when that is set. Tests never touch a user's Redis.
 */
export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

/** `port`: a given port (a test that starts the service before its Redis); else a free one, or REDIS_TEST_URL. */
export async function startTestRedis(port?: number): Promise<TestRedis> {
  const given = process.env.REDIS_TEST_URL;
  if (given && port === undefined) return { url: given, stop: async () => {} };

  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'The tests need a redis-server binary to start a throwaway Redis, and none was found on PATH.\n' +
        'Install one (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis),\n' +
        'or point REDIS_TEST_URL at a Redis the tests may write to (they use their own key prefixes).',
    );
  }
  port ??= await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tib-redis-'));
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000);
    const check = () => {
      if (/ready to accept connections/i.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with code ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
