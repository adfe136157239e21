import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../../src/projectRoot';
import { freePort } from '../support/freePort';
import { testRedisUrl } from '../support/hooks';
import { parseDockerfile, type Stage } from '../support/dockerfileLint';

/**
 * The container image's start, without a container engine (none runs here): the Dockerfile's
 * stages are played from its own instructions into a temporary folder (its COPYs, its RUNs; the
 * build stage's `npm ci` is the one step replaced, by the project's installed dev dependencies),
 * then its CMD runs with only its ENV and the required secrets, as a non-root user, against Redis.
 */

const NOBODY = 65534;
const dockerfile = parseDockerfile(readFileSync(join(PROJECT_ROOT, 'deploy/Dockerfile'), 'utf8'));
const stage = (name: string) => dockerfile.stages.find((s) => s.name === name)!;
const runtime = dockerfile.stages[dockerfile.stages.length - 1];

function sh(command: string, cwd: string, timeout: number): void {
  const run = spawnSync('sh', ['-c', command], { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (run.status !== 0) throw new Error(`${command} (in ${cwd}) failed (${run.status ?? run.signal}):\n${run.stdout}\n${run.stderr}`);
}

/** COPY src... dest: from the repository, or with --from from another stage's folder. */
function copy(ins: Stage['instructions'][number], into: string, stageDirs: Record<string, string>): void {
  const parts = ins.args.split(/\s+/);
  const dest = parts[parts.length - 1];
  for (const src of parts.slice(0, -1)) {
    const from = ins.from ? join(stageDirs[ins.from], src.replace(/^\/app\/?/, '')) : join(PROJECT_ROOT, src);
    const target = dest.endsWith('/') ? join(into, dest, src.split('/').pop()!) : join(into, dest);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(from, target, { recursive: true, dereference: false });
  }
}

function play(s: Stage, dir: string, stageDirs: Record<string, string>, run: (command: string) => void): void {
  for (const ins of s.instructions) {
    if (ins.keyword === 'COPY') copy(ins, dir, stageDirs);
    else if (ins.keyword === 'RUN') run(ins.args);
    else if (!['WORKDIR', 'ENV', 'USER', 'EXPOSE', 'HEALTHCHECK', 'STOPSIGNAL', 'CMD', 'ARG'].includes(ins.keyword)) {
      throw new Error(`line ${ins.line}: ${ins.keyword} is not played by this test; teach it`);
    }
  }
}

function imageEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const ins of runtime.instructions.filter((i) => i.keyword === 'ENV')) {
    for (const pair of ins.args.split(/\s+/).filter(Boolean)) env[pair.slice(0, pair.indexOf('='))] = pair.slice(pair.indexOf('=') + 1);
  }
  return env;
}

async function waitFor(url: string, timeoutMs: number, child: ChildProcess, output: () => string): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(url);
      if (res.status === 200) return res;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} not 200 within ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the image\'s start command, played from deploy/Dockerfile', function () {
  this.timeout(240_000);
  let root: string;
  let app: string;
  const asRoot = process.getuid?.() === 0;

  before(function () {
    root = mkdtempSync(join(tmpdir(), 'tib-image-'));
    chmodSync(root, 0o755);
    const dirs: Record<string, string> = { build: join(root, 'build'), 'prod-deps': join(root, 'prod-deps'), runtime: join(root, 'app') };
    for (const d of Object.values(dirs)) mkdirSync(d);
    // Build: the project's own dev dependencies stand in for the stage's `npm ci`.
    play(stage('build'), dirs.build, dirs, (command) => {
      if (/^npm ci\b/.test(command)) symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(dirs.build, 'node_modules'));
      else sh(command, dirs.build, 120_000);
    });
    // Production dependencies: the stage's RUN as written, except the cache clean-up, which would
    // empty this machine's shared npm cache.
    play(stage('prod-deps'), dirs['prod-deps'], dirs, (command) => {
      for (const step of command.split('&&').map((s) => s.trim())) if (!/^npm cache clean/.test(step)) sh(step, dirs['prod-deps'], 180_000);
    });
    play(runtime, dirs.runtime, dirs, () => {
      throw new Error('the runtime stage runs nothing');
    });
    app = dirs.runtime;
  });

  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('has production dependencies only, and the chat page\'s assets built in the build stage', () => {
    for (const dev of ['mocha', 'tsx', 'eslint', 'chai', 'sinon', 'playwright-core', 'fast-check']) {
      expect(existsSync(join(app, 'node_modules', dev)), dev).to.equal(false);
    }
    for (const prod of ['botbuilder', 'restify', 'ioredis', 'i18next']) expect(existsSync(join(app, 'node_modules', prod)), prod).to.equal(true);
    expect(existsSync(join(app, 'node_modules/botframework-webchat')), 'Web Chat is built into dist/web, not installed').to.equal(false);
    expect(existsSync(join(app, 'dist/web/manifest.json'))).to.equal(true);
    expect(existsSync(join(app, 'dist/src/main.js'))).to.equal(true);
    expect(existsSync(join(app, 'src')), 'no TypeScript sources in the image').to.equal(false);
  });

  it('finds every package the compiled service loads (from dist/src/main.js on) among the production dependencies', () => {
    // Follow the relative requires from the entry point: tools compiled beside it (content checks,
    // the Teams packager) may use dev dependencies, the service may not.
    const seen = new Set<string>();
    const packages = new Set<string>();
    const queue = [join(app, 'dist/src/main.js')];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const m of readFileSync(file, 'utf8').matchAll(/require\("([^"]+)"\)/g)) {
        const name = m[1];
        if (name.startsWith('.')) queue.push(require.resolve(join(dirname(file), name)));
        else if (!name.startsWith('node:')) packages.add(name);
      }
    }
    expect(seen.size).to.be.greaterThan(20);
    expect(packages).to.include('restify');
    for (const name of packages) {
      expect(() => require.resolve(name, { paths: [app] }), `${name} (a devDependency? it must be in dependencies)`).not.to.throw();
      expect(require.resolve(name, { paths: [app] }).startsWith(join(app, 'node_modules')), name).to.equal(true);
    }
  });

  async function start(extra: Record<string, string | undefined>): Promise<{ child: ChildProcess; port: number; output: () => string }> {
    const port = await freePort();
    const env: Record<string, string> = { ...imageEnv(), PATH: '/usr/bin:/bin', HOME: '/nonexistent', PORT: String(port), HOST: '127.0.0.1' };
    for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
    else env[k] = v;
    const cmd = runtime.instructions.filter((i) => i.keyword === 'CMD').pop()!.json!;
    expect(cmd[0]).to.equal('node');
    const child = spawn(process.execPath, cmd.slice(1), {
      cwd: app,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    return { child, port, output: () => output };
  }

  it('starts as a non-root user with NODE_ENV=production, is ready on Redis, passes its HEALTHCHECK, and stops cleanly on SIGTERM', async () => {
    const env = imageEnv();
    expect(env.NODE_ENV).to.equal('production');
    const { child, port, output } = await start({
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: `image-${randomBytes(4).toString('hex')}:`,
      DIRECTLINE_TOKEN_SECRET: randomBytes(32).toString('hex'),
      // production refuses to start without Bot Framework credentials unless /api/messages is off (#14)
      API_MESSAGES: 'off',
      SHUTDOWN_GRACE_MS: '3000',
    });
    try {
      const ready = await waitFor(`http://127.0.0.1:${port}/readyz`, 60_000, child, output);
      expect(await ready.json()).to.include({ status: 'ready', store: 'redis' });
      if (asRoot) {
        const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
        expect(Number(uid)).to.equal(NOBODY);
      } else {
        console.log('      (not root: runs as the current user, which is not root)');
      }
      const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      const webchat = /src="(\/assets\/webchat\.[0-9a-f]+\.js)"/.exec(page)?.[1];
      expect(webchat, 'the page loads the Web Chat bundle built into dist/web').to.be.a('string');
      const bundle = await fetch(`http://127.0.0.1:${port}${webchat}`);
      expect(bundle.status).to.equal(200);
      expect((await bundle.arrayBuffer()).byteLength).to.be.greaterThan(1_000_000);
      // Production logs are JSON lines, not pretty.
      const firstLine = output().split('\n').find((l) => l.trim());
      expect(() => JSON.parse(firstLine!), firstLine).not.to.throw();

      const health = runtime.instructions.find((i) => i.keyword === 'HEALTHCHECK')!.json!;
      expect(health[0]).to.equal('node');
      const check = spawnSync(process.execPath, health.slice(1), { env: { PORT: String(port) }, timeout: 10_000 });
      expect(check.status, 'HEALTHCHECK exit code').to.equal(0);

      const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<'late'>((r) => setTimeout(() => r('late'), 10_000))]);
      expect(code, output()).to.equal(0);
      expect(output()).to.include('finishing turns in flight');
      const unhealthy = spawnSync(process.execPath, health.slice(1), { env: { PORT: String(port) }, timeout: 10_000 });
      expect(unhealthy.status, 'HEALTHCHECK after stop').to.equal(1);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses to start in production without DIRECTLINE_TOKEN_SECRET, naming it', async () => {
    const { child, output } = await start({ REDIS_URL: testRedisUrl(), DIRECTLINE_TOKEN_SECRET: undefined });
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
    expect(code).to.equal(1);
    expect(output()).to.include('DIRECTLINE_TOKEN_SECRET must be set when NODE_ENV is production');
  });
});
