/**
 * Direct Line as web chat users meet it: N conversations with an open WebSocket each on one
 * instance; then posts (POST …/activities) from many of them, timed until the bot's reply arrives
 * on that conversation's WebSocket; and the server's memory per open WebSocket.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import Redis from 'ioredis';
import WebSocket from 'ws';
import type { Target } from './target';

const CONCURRENCY = Number(process.env.BENCH_SOCKET_CONCURRENCY ?? 10);
const POSTS = Number(process.env.BENCH_SOCKET_POSTS ?? 600);
/** Posts made one at a time with Redis MONITOR on, after the timed ones (MONITOR slows Redis, so never while timing). */
const MONITORED_POSTS = 20;

interface Conversation {
  id: string;
  token: string;
  streamUrl: string;
  userId: string;
  socket?: WebSocket;
  /** Resolves the post waiting for the bot's next activity. */
  waiting?: (at: number) => void;
  turns: number;
  /** Activities the socket has been sent. */
  seen: number;
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
  return { id: started.conversationId, token: started.token, streamUrl: started.streamUrl, userId, turns: 0, seen: 0 };
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
      c.seen += set.activities?.length ?? 0;
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

/** CPU time the server process has used (user + system), in ms (from /proc; USER_HZ 100). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
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
  /** Per post (the user's activity and the bot's replies): commands sent to Redis by the Direct Line log (keys dl:{…}, bus channel ev:dl:…). */
  directLineCommandsPerPost: number;
  /** Per post: every command sent to Redis (the bot's turn state included). */
  allCommandsPerPost: number;
  /** Per post: every command Redis executed, those inside scripts included. */
  executedPerPost: number;
  /** Activities (echo + replies) per post in the monitored posts. */
  activitiesPerPost: number;
  /** The server's CPU time per timed post (its turn, the echo and the replies, the sockets). */
  cpuMsPerPost: number;
  /** The 1-minute load average before and after the timed posts. */
  load: [number, number];
}

const ANSWERS = ['1', '2', '1', 'menu', '1', 'menu', '2', 'menu'];

/** Posts one message and waits for the bot's reply on the conversation's socket: when the POST was answered, and when the reply arrived (NaN: never). */
async function postAndWait(url: string, c: Conversation): Promise<{ ok: boolean; answeredAt: number; at: number }> {
  const text = ANSWERS[c.turns++ % ANSWERS.length];
  const reply = new Promise<number>((resolve) => (c.waiting = resolve));
  const res = await fetch(`${url}/v3/directline/conversations/${encodeURIComponent(c.id)}/activities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'message', from: { id: c.userId }, text, locale: 'da' }),
  });
  await res.text();
  const answeredAt = performance.now();
  if (!res.ok) {
    c.waiting = undefined;
    return { ok: false, answeredAt, at: NaN };
  }
  const at = await Promise.race([reply, new Promise<number>((r) => setTimeout(() => r(NaN), 10_000))]);
  if (Number.isNaN(at)) c.waiting = undefined;
  return { ok: true, answeredAt, at };
}

/** Redis commands per post, read with MONITOR over a few posts made one after the other. */
async function commandsPerPost(url: string, redisUrl: string, conversations: Conversation[]): Promise<Pick<SocketResult, 'directLineCommandsPerPost' | 'allCommandsPerPost' | 'executedPerPost' | 'activitiesPerPost'>> {
  const redis = new Redis(redisUrl);
  const monitor = await redis.monitor();
  let directLine = 0;
  let sent = 0;
  let executed = 0;
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    executed++;
    if (source === 'lua') return;
    sent++;
    if (args.some((a) => a.includes('dl:{') || a.includes('ev:dl:'))) directLine++;
  });
  const counted = new Set<string>();
  let activities = 0;
  for (const c of conversations.slice(0, MONITORED_POSTS)) {
    const before = c.seen;
    await postAndWait(url, c);
    counted.add(c.id);
    await new Promise((r) => setTimeout(r, 50)); // the turn's last replies
    activities += c.seen - before;
  }
  monitor.disconnect();
  redis.disconnect();
  const n = Math.min(MONITORED_POSTS, conversations.length);
  return { directLineCommandsPerPost: directLine / n, allCommandsPerPost: sent / n, executedPerPost: executed / n, activitiesPerPost: activities / n };
}

export async function socketBench(target: Target, sockets: number, redisUrl?: string): Promise<SocketResult> {
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
      const started = performance.now();
      const { ok, answeredAt, at } = await postAndWait(target.url, c);
      postLatencies.push(answeredAt - started);
      if (!ok || Number.isNaN(at)) errors++;
      else latencies.push(at - started);
    }
  };
  const loadBefore = loadavg()[0];
  const cpuBefore = cpuMs(target.pid);
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const load: [number, number] = [loadBefore, loadavg()[0]];
  const cpuMsPerPost = (cpuMs(target.pid) - cpuBefore) / Math.max(1, latencies.length + errors);
  const commands = redisUrl ? await commandsPerPost(target.url, redisUrl, conversations) : { directLineCommandsPerPost: NaN, allCommandsPerPost: NaN, executedPerPost: NaN, activitiesPerPost: NaN };
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
    ...commands,
    cpuMsPerPost,
    load,
  };
}
