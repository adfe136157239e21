import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { App } from '../../src/app';
import { PROJECT_ROOT } from '../../src/projectRoot';
import { startApp } from '../support/botServer';
import { freePort } from '../support/freePort';
import { testRedisUrl } from '../support/hooks';
import { uniquePrefix } from '../support/testKeys';

/**
 * deploy/Caddyfile for real: Caddy (Debian's) in front of two instances sharing one Redis, as in
 * deploy/compose.yaml. Only the upstream addresses and the site address change (loopback ports
 * instead of compose's service names), plus a global block that turns Caddy's admin port off.
 */

const SECRET = 'proxy-test-secret-0123456789abcdef0123';
const hasCaddy = !spawnSync('caddy', ['version']).error;

type Activity = { type: string; text?: string; from: { id: string } };

function headers(url: string, accept: string): Promise<Record<string, string | string[] | undefined>> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept, 'accept-encoding': 'gzip' } }, (res) => {
      res.resume();
      resolve(res.headers);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('deploy/Caddyfile in front of two instances (real Caddy)', function () {
  this.timeout(60_000);
  const apps: App[] = [];
  let caddy: ChildProcess | undefined;
  let dir: string;
  let proxy: string;
  let caddyOutput = '';

  before(async function () {
    if (!hasCaddy) {
      console.log("      (skipped: no caddy binary; .ci/run installs Debian's caddy)");
      this.skip();
    }
    const env = { DIRECTLINE_TOKEN_SECRET: SECRET, REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: uniquePrefix('proxy') };
    for (let i = 0; i < 2; i++) apps.push((await startApp(env)).app);
    const upstreams = apps.map((a) => `127.0.0.1:${(a.server.address() as { port: number }).port}`).join(' ');
    const port = await freePort();
    proxy = `http://127.0.0.1:${port}`;
    const original = readFileSync(join(PROJECT_ROOT, 'deploy/Caddyfile'), 'utf8');
    expect(original).to.include('reverse_proxy bot-1:3978 bot-2:3978 {');
    dir = mkdtempSync(join(tmpdir(), 'tib-caddy-'));
    const config = join(dir, 'Caddyfile');
    writeFileSync(config, `{\n\tadmin off\n}\n${original.replace('bot-1:3978 bot-2:3978', upstreams)}`);
    caddy = spawn('caddy', ['run', '--adapter', 'caddyfile', '--config', config], {
      env: { PATH: process.env.PATH, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir, SITE_ADDRESS: `http://127.0.0.1:${port}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    caddy.stdout!.on('data', (d: Buffer) => (caddyOutput += d.toString()));
    caddy.stderr!.on('data', (d: Buffer) => (caddyOutput += d.toString()));
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (caddy.exitCode !== null) throw new Error(`caddy exited with ${caddy.exitCode}:\n${caddyOutput}`);
      try {
        if ((await fetch(`${proxy}/readyz`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`caddy did not answer within 20 s:\n${caddyOutput}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  after(async () => {
    if (caddy && caddy.exitCode === null) {
      const exited = new Promise((r) => caddy!.once('exit', r));
      caddy.kill('SIGTERM');
      await exited;
    }
    await Promise.all(apps.map((a) => a.stop()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('carries the Direct Line WebSocket stream: the welcome and the reply to a message posted through the proxy arrive on it', async () => {
    const token = (await (await fetch(`${proxy}/api/directline/token`, { method: 'POST' })).json()) as { token: string };
    const started = await fetch(`${proxy}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token.token}` } });
    expect(started.status).to.equal(201);
    const conv = (await started.json()) as { conversationId: string; token: string; streamUrl: string };
    expect(conv.streamUrl.startsWith(proxy.replace('http', 'ws')), conv.streamUrl).to.equal(true);

    const ws = new WebSocket(conv.streamUrl);
    const received: Activity[] = [];
    ws.on('message', (data) => {
      const text = data.toString();
      if (text) received.push(...((JSON.parse(text) as { activities: Activity[] }).activities ?? []));
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const until = async (predicate: () => boolean, what: string) => {
      const deadline = Date.now() + 15_000;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`${what} never arrived over the stream: ${JSON.stringify(received.map((a) => a.text))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await until(() => received.some((a) => a.type === 'message' && a.from.id !== 'u'), 'the welcome');
      const before = received.length;
      // Several posts: round robin sends them to both instances; every reply reaches the one socket.
      for (let i = 0; i < 3; i++) {
        const posted = await fetch(`${proxy}/v3/directline/conversations/${conv.conversationId}/activities`, {
          method: 'POST',
          headers: { authorization: `Bearer ${conv.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'message', text: 'help', from: { id: 'ignored' }, locale: 'en' }),
        });
        expect(posted.status).to.equal(200);
      }
      const mine = () => received.slice(before).filter((a) => a.type === 'message' && a.text === 'help');
      await until(() => mine().length === 3, 'the three posts');
      const user = mine()[0].from.id;
      await until(() => received.slice(before).filter((a) => a.type === 'message' && a.from.id !== user).length >= 3, 'a reply to each post');
      // Both instances took turns (round robin), and every reply still reached this one socket.
      const turns = await Promise.all(apps.map(async (a) => (await a.metrics.turns.get()).values.reduce((n, v) => n + v.value, 0)));
      for (const t of turns) expect(t, `turns per instance: ${turns.join(', ')}`).to.be.greaterThan(0);
    } finally {
      ws.close();
    }
  });

  it('compresses ordinary responses but never a Server-Sent Events request', async () => {
    const normal = await headers(`${proxy}/metrics`, '*/*');
    expect(normal['content-encoding']).to.equal('gzip');
    const sse = await headers(`${proxy}/metrics`, 'text/event-stream');
    expect(sse['content-encoding']).to.equal(undefined);
  });
});
