/** A service process for the bench: compiled (dist/), NODE_ENV=production, ready when /healthz answers. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../test/support/freePort';
import { PROJECT_ROOT } from '../src/projectRoot';

export interface Target {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startTarget(name: string, script: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<Target> {
  const port = await freePort();
  // BENCH_CPU_PROF=<dir>: each service process writes a CPU profile there when it stops (node --cpu-prof)
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, ...nodeArgs, join(PROJECT_ROOT, 'dist', script)], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', LOG_PRETTY: 'false', NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      if (i > 400 || child.exitCode !== null) throw new Error(`${name} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    name,
    url,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
