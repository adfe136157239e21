/**
 * Handoff figures for `npm run bench`: two service processes on one Redis; a web chat user
 * (Direct Line over REST, replies over the WebSocket stream) on instance A, a caseworker (console
 * API and its SSE stream) on instance B. Measures, per round:
 * - request → queue: from posting "talk to a person" on A to the `queued` event on B's SSE stream;
 * - reply → screen: from the caseworker's POST .../messages on B to the reply on the user's
 *   WebSocket on A.
 * Prints p50/p99. Figures, not verdicts.
 */
import WebSocket from 'ws';
import Redis from 'ioredis';
import { Accounts } from '../src/handoff/console/accounts';
import { RedisConsoleStore } from '../src/handoff/console/consoleStore';

export interface HandoffTarget {
  url: string;
}

const PASSWORD = 'bench-only-password-0123';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function json(res: Response): Promise<Record<string, unknown>> {
  if (!res.ok) throw new Error(`${res.url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

export async function handoffFigures(a: HandoffTarget, b: HandoffTarget, redisUrl: string, prefix: string, rounds: number): Promise<string> {
  const redis = new Redis(redisUrl);
  await new Accounts(new RedisConsoleStore(redis, prefix)).add('bench', PASSWORD);
  await redis.quit();
  const login = await fetch(`${b.url}/console/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'bench', password: PASSWORD }) });
  const session = await json(login);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const headers = { cookie, 'x-csrf-token': String(session.csrfToken), 'content-type': 'application/json' };

  // B's event stream: resolves waiters when a `queued` event for their conversation arrives.
  const waiting = new Map<string, (at: number) => void>();
  const controller = new AbortController();
  const sse = await fetch(`${b.url}/console/api/events`, { headers: { cookie }, signal: controller.signal });
  const reader = sse.body!.getReader();
  void (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += Buffer.from(value!).toString();
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (!data) continue;
        const event = JSON.parse(data) as { type: string; conversationId: string };
        if (event.type === 'queued') waiting.get(event.conversationId)?.(performance.now());
      }
    }
  })();
  await new Promise((r) => setTimeout(r, 200));

  const toQueue: number[] = [];
  const toScreen: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const token = await json(await fetch(`${a.url}/api/directline/token`, { method: 'POST' }));
    const conv = await json(await fetch(`${a.url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' }, body: '{}' }));
    const id = String(conv.conversationId);
    const ws = new WebSocket(String(conv.streamUrl));
    const replyWaiters: ((at: number) => void)[] = [];
    ws.on('message', (raw) => {
      const text = raw.toString();
      if (!text) return;
      const set = JSON.parse(text) as { activities?: { channelData?: { node?: string } }[] };
      if (set.activities?.some((x) => x.channelData?.node === 'handoff.caseworker')) replyWaiters.splice(0).forEach((w) => w(performance.now()));
    });
    await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));

    const queued = new Promise<number>((resolve) => waiting.set(id, resolve));
    const asked = performance.now();
    await json(await fetch(`${a.url}/v3/directline/conversations/${id}/activities`, { method: 'POST', headers: { authorization: `Bearer ${conv.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text: 'talk to a person', from: { id: `bench-user-${round}` } }) }));
    toQueue.push((await queued) - asked);
    waiting.delete(id);

    await json(await fetch(`${b.url}/console/api/conversations/${encodeURIComponent(id)}/claim`, { method: 'POST', headers, body: '{}' }));
    const onScreen = new Promise<number>((resolve) => replyWaiters.push(resolve));
    const replied = performance.now();
    await json(await fetch(`${b.url}/console/api/conversations/${encodeURIComponent(id)}/messages`, { method: 'POST', headers, body: JSON.stringify({ text: `reply ${round}` }) }));
    toScreen.push((await onScreen) - replied);
    await json(await fetch(`${b.url}/console/api/conversations/${encodeURIComponent(id)}/close`, { method: 'POST', headers, body: '{}' }));
    ws.close();
  }
  controller.abort();
  const line = (name: string, values: number[]) => {
    const sorted = [...values].sort((x, y) => x - y);
    return `| ${name} | ${values.length} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} |`;
  };
  return [
    '\nHandoff across two instances (user on A, caseworker on B, one Redis):\n',
    '| measured | rounds | p50 ms | p99 ms |',
    '|---|---:|---:|---:|',
    line('"talk to a person" posted on A → item queued, event on B\'s console stream', toQueue),
    line('caseworker\'s reply posted on B → on the user\'s WebSocket on A', toScreen),
  ].join('\n');
}

/** `node dist/bench/handoff.js`: only the handoff figures (npm run bench prints them after the turn figures). */
async function standalone(): Promise<void> {
  const { spawn } = await import('node:child_process');
  const { join } = await import('node:path');
  const { startTestRedis } = await import('../test/support/redisServer');
  const { freePort } = await import('../test/support/freePort');
  const { PROJECT_ROOT } = await import('../src/projectRoot');
  const redis = await startTestRedis();
  const prefix = `bench:${Date.now()}:ho:`;
  const children: import('node:child_process').ChildProcess[] = [];
  const start = async (): Promise<HandoffTarget> => {
    const port = await freePort();
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'src', 'main.js')], {
      env: { ...process.env, REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, DIRECTLINE_TOKEN_SECRET: 'bench-only-secret-0123456789abcdef0123456789', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', LOG_PRETTY: 'false', NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        if ((await fetch(`${url}/healthz`)).ok) return { url };
      } catch {
        if (Date.now() > deadline) throw new Error('an instance did not start within 60 s');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  try {
    const [a, b] = [await start(), await start()];
    console.log(await handoffFigures(a, b, redis.url, prefix, Number(process.env.BENCH_HANDOFF_ROUNDS ?? 50)));
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await redis.stop();
  }
}

if (require.main === module) {
  standalone().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
