/**
 * Direct Line as web chat users meet it: N conversations with an open WebSocket each on one
 * instance; then posts (POST …/activities) from many of them, timed until the bot's reply arrives
 * on that conversation's WebSocket; and the server's memory per open WebSocket.
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import type { Target } from './target';

const CONCURRENCY = Number(process.env.BENCH_SOCKET_CONCURRENCY ?? 10);
const POSTS = Number(process.env.BENCH_SOCKET_POSTS ?? 600);

interface Conversation {
  id: string;
  token: string;
  streamUrl: string;
  userId: string;
  socket?: WebSocket;
  /** Resolves the post waiting for the bot's next activity. */
  waiting?: (at: number) => void;
  turns: number;
}

async function json<T>(res: Response): Promise<T> {
  if (!res.ok) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function startConversation(url: string, n: number): Promise<Conversation> {
  const userId = `u_bench${n.toString(16).padStart(8, '0')}`;
  const { token } = await json<{ token: string }>(await fetch(`${url}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: { id: userId } }) }));
  const started = await json<{ conversationId: string; token: string; streamUrl: string }>(
    await fetch(`${url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ locale: 'da' }) }),
  );
  return { id: started.conversationId, token: started.token, streamUrl: started.streamUrl, userId, turns: 0 };
}

function openSocket(c: Conversation): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(c.streamUrl);
    c.socket = ws;
    ws.on('open', () => resolve());
    ws.on('error', reject);
    ws.on('message', (data: Buffer) => {
      if (data.length === 0) return;
      const set = JSON.parse(data.toString('utf8')) as { activities?: { from?: { id?: string } }[] };
      if (!c.waiting || !set.activities?.some((a) => a.from?.id !== c.userId)) return;
      const done = c.waiting;
      c.waiting = undefined;
      done(performance.now());
    });
  });
}

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

/** What the server process uses (resident set size, from /proc), in bytes. */
function rss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

async function heapUsed(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = /^nodejs_heap_size_used_bytes (\S+)/m.exec(text);
  return match ? Number(match[1]) : NaN;
}

export interface SocketResult {
  sockets: number;
  posts: number;
  p50: number;
  p99: number;
  max: number;
  /** Until the POST itself was answered (after the bot's turn). */
  postP50: number;
  postP99: number;
  errors: number;
  rssPerSocket: number;
  heapPerSocket: number;
  rssPerConversationAndSocket: number;
}

const ANSWERS = ['1', '2', '1', 'menu', '1', 'menu', '2', 'menu'];

export async function socketBench(target: Target, sockets: number): Promise<SocketResult> {
  const ns = Array.from({ length: sockets }, (_, i) => i);
  const baseRss = rss(target.pid);
  const conversations: Conversation[] = [];
  await inBatches(ns, 20, async (n) => {
    conversations.push(await startConversation(target.url, n));
  });
  await new Promise((r) => setTimeout(r, 1000)); // the welcome turns settle
  const rssBefore = rss(target.pid);
  const heapBefore = await heapUsed(target.url);
  await inBatches(conversations, 50, openSocket);
  await new Promise((r) => setTimeout(r, 1500)); // the backlog (welcome) is sent on each
  const rssAfter = rss(target.pid);
  const heapAfter = await heapUsed(target.url);

  const latencies: number[] = [];
  const postLatencies: number[] = [];
  let errors = 0;
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= POSTS) return;
      const c = conversations[(i * 7919) % conversations.length];
      if (c.waiting) continue;
      const text = ANSWERS[c.turns++ % ANSWERS.length];
      const started = performance.now();
      const reply = new Promise<number>((resolve) => (c.waiting = resolve));
      const res = await fetch(`${target.url}/v3/directline/conversations/${encodeURIComponent(c.id)}/activities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', from: { id: c.userId }, text, locale: 'da' }),
      });
      await res.text();
      postLatencies.push(performance.now() - started);
      if (process.env.BENCH_DEBUG && performance.now() - started > 50) process.stderr.write(`slow post #${i} "${text}" turn ${c.turns}: ${(performance.now() - started).toFixed(0)} ms\n`);
      if (!res.ok) {
        errors++;
        c.waiting = undefined;
        continue;
      }
      const at = await Promise.race([reply, new Promise<number>((r) => setTimeout(() => r(NaN), 10_000))]);
      if (Number.isNaN(at)) {
        errors++;
        c.waiting = undefined;
      } else latencies.push(at - started);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  for (const c of conversations) c.socket?.close();
  latencies.sort((a, b) => a - b);
  postLatencies.sort((a, b) => a - b);
  const pct = (p: number, list = latencies) => list[Math.min(list.length - 1, Math.floor((p / 100) * list.length))] ?? NaN;
  return {
    sockets,
    posts: latencies.length,
    p50: pct(50),
    p99: pct(99),
    max: latencies[latencies.length - 1] ?? NaN,
    postP50: pct(50, postLatencies),
    postP99: pct(99, postLatencies),
    errors,
    rssPerSocket: (rssAfter - rssBefore) / sockets,
    heapPerSocket: (heapAfter - heapBefore) / sockets,
    rssPerConversationAndSocket: (rssAfter - baseRss) / sockets,
  };
}
