import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { Metrics } from '../../src/metrics';
import { freePort } from './freePort';

const ROOT = join(__dirname, '..', '..');

/**
 * Every spawned server still running. A suite whose before-all hook fails after one of its servers
 * started never runs its after hook: without this, that server outlived the test run.
 */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Environment for a test server: local mode, quiet logs, a free port. */
export function testEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  // Tests pin Danish and English unless they ask for more, so their expectations do not change when a language is added.
  // No warm-up turns (WARMUP_TURNS) unless a test asks: they would only slow every start.
  return { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', LOG_PRETTY: 'false', ENABLED_LOCALES: 'da,en', WARMUP_TURNS: '0', ...overrides };
}

/** The real app in this process, listening on a free port. */
export async function startApp(env: Record<string, string | undefined> = {}): Promise<{ app: App; url: string }> {
  const config = loadConfig(testEnv(env));
  const app = createApp(config, { log: createLogger(config), metrics: new Metrics({ defaultMetrics: false }) });
  const port = await app.listen();
  return { app, url: `http://127.0.0.1:${port}` };
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The real service as its own process (`src/main.ts` under tsx), ready when /healthz answers. */
export async function spawnServer(env: Record<string, string | undefined> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...testEnv({ LOG_LEVEL: 'info', ...env }), PORT: String(port) } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  // Generous: on a loaded 2-core machine tsx compiles and the recogniser trains slowly (a start took over 45 s at load 7).
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start within 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      // 'close', not 'exit': the child's last log lines may still be in the pipe when it exits.
      const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
      child.kill(signal);
      return exited;
    },
  };
}
