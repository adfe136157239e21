/**
 * `npm run bench`: drives the real server over HTTP (deliveryMode expectReplies, many
 * conversations) at concurrency 10 and 50, and prints turns/s, p50/p99 latency, server CPU per
 * turn and Redis commands per turn, for this bot on Redis and, in the same run, a stock botbuilder
 * bot on MemoryStorage (bench/baselineBot.ts), with the ratio between them; and, like for like with
 * the stock bot, this bot on its embedded in-process store (no REDIS_URL). Figures, not verdicts:
 * nothing here fails on a timing.
 *
 * Then the SMS bridge's webhook-to-REST-call latency (bench/sms.ts).
 *
 * Options (environment): BENCH_SECONDS (measured seconds per scenario, default 8),
 * BENCH_WARMUP_SECONDS (default 2), BENCH_CONVERSATIONS (default 1000), BENCH_ROUNDS (default 1:
 * each round runs the three, alternating, and the median is printed).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import Redis, { type Cluster } from 'ioredis';
import { startTestRedis } from '../test/support/redisServer';
import { startTestRedisCluster } from '../test/support/redisCluster';
import { startTarget, type Target } from './target';
import { RELEASE_REMEMBERED_MS } from '../src/state/conversationStore';
import { bundleOptions, pageWeight, throttledLoad } from './page';
import { socketBench } from './sockets';
import { smsLatency } from './sms';
import { handoffFigures } from './handoff';
import { understandingFigures } from './understanding';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const CONCURRENCIES = [10, 50];
const CLOCK_TICKS = 100; // Linux USER_HZ

interface Result {
  turnsPerSecond: number;
  p50: number;
  p99: number;
  cpuMicrosPerTurn: number;
  redisCommandsPerTurn: number | undefined;
  redisExecutedPerTurn: number | undefined;
  /** Round trips a turn waits for one after the other: the store's, the handoff record read after the lock, the transcript append (unless it goes beside the commit). */
  roundTripsPerTurn: number | undefined;
  /** Of the store's and the handoff record's reads: those sent beside the lock-and-read (no wait of their own). */
  besideLockPerTurn: number | undefined;
  /** Of those, the user-state compare-and-set writes (only turns that changed the user's state pay them). */
  userWritesPerTurn: number | undefined;
  /** Sent beside the commit, waited for with it (the transcript append on one Redis). */
  withCommitPerTurn: number | undefined;
  errors: number;
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

interface RedisCounts {
  /** Commands clients sent (scripts and plain reads). */
  sent: number;
  /** Every command Redis executed, including those run inside scripts. */
  executed: number;
  /** Transactions (MULTI/EXEC: the transcript append), each one round trip. */
  transactions: number;
}

async function redisCalls(redis: Redis | Cluster | undefined): Promise<RedisCounts> {
  const counts = { sent: 0, executed: 0, transactions: 0 };
  if (!redis) return counts;
  // A Cluster: the sum over its masters.
  const infos = 'nodes' in redis ? await Promise.all(redis.nodes('master').map((n) => n.info('commandstats'))) : [await redis.info('commandstats')];
  for (const match of infos.join('\n').matchAll(/^cmdstat_([\w|]+):calls=(\d+)/gm)) {
    if (/^(info|ping|config|memory|keys|strlen|scan|dbsize)$/.test(match[1])) continue;
    counts.executed += Number(match[2]);
    // (commandstats counts a script's own GETs as gets: plain GETs are counted by the server, below)
    if (/^(evalsha|eval|mget|exec)$/.test(match[1])) counts.sent += Number(match[2]);
    if (match[1] === 'exec') counts.transactions += Number(match[2]);
  }
  return counts;
}

/**
 * Round trips the server itself counted (its /metrics), so the figure is the client's view: the
 * store's, and the handoff record's reads, by whether they went out beside the lock-and-read.
 */
async function storeRoundTrips(url: string): Promise<{ total: number; userWrites: number; besideLock: number; afterLock: number; withCommit: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  let userWrites = 0;
  let withCommit = 0;
  for (const match of text.matchAll(/^bot_store_operation_duration_seconds_count\{([^}]*store="redis"[^}]*)\} (\d+)/gm)) {
    // the transcript append sent beside the commit (one Redis) is no round trip of its own in sequence
    if (/op="transcript_append_with_commit"/.test(match[1])) withCommit += Number(match[2]);
    else total += Number(match[2]);
    if (/op="replace"/.test(match[1])) userWrites += Number(match[2]);
  }
  const reads = (when: string) => [...text.matchAll(new RegExp(`^bot_beside_lock_reads_total\\{[^}]*when="${when}"[^}]*\\} (\\d+)`, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0);
  return { total, userWrites, besideLock: reads('beside_lock'), afterLock: reads('after_lock'), withCommit };
}

/** Activity ids unique across rounds (a repeated id within TURN_DEDUP_SECONDS would be answered as a retry). */
let activityIds = 0;
function activity(conversation: number, n: number, text: string): string {
  return JSON.stringify({
    type: 'message',
    id: `a${n}-${(activityIds += 1)}`,
    text,
    channelId: 'webchat', // 'directline' is the self-hosted channel's own: refused on /api/messages
    serviceUrl: 'http://127.0.0.1:9/unused',
    deliveryMode: 'expectReplies',
    conversation: { id: `bench-conv-${conversation}` },
    from: { id: `bench-user-${conversation}` },
    recipient: { id: 'bot' },
  });
}

/**
 * What a user says on their n-th turn, as a newcomer on the paths would: a greeting, the second
 * language offered, the two profile answers, then a topic from the main menu and back to the menu.
 * (The stock bot takes every one of these as text for its waterfall.)
 */
const OPENING = ['hello', '2', '1', '2'];
const TOPICS = ['1', '2', '3', '4'];
function utterance(turn: number): string {
  if (turn <= OPENING.length) return OPENING[turn - 1];
  const k = turn - OPENING.length;
  return k % 2 === 1 ? TOPICS[((k - 1) / 2) % TOPICS.length] : 'menu';
}

/** Posts turns from `concurrency` workers for `seconds`, conversations round-robin. */
async function load(url: string, concurrency: number, seconds: number, turnsSoFar: Map<number, number>): Promise<{ latencies: number[]; errors: number; turns: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(`${url}/api/messages`);
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const busy = new Set<number>();
  const deadline = performance.now() + seconds * 1000;

  const post = (body: string) =>
    new Promise<number>((resolve) => {
      const req = http.request(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', () => resolve(0));
      req.end(body);
    });

  const worker = async () => {
    while (performance.now() < deadline) {
      // Each conversation has one turn in flight at a time, as a person typing would.
      let conversation = next++ % CONVERSATIONS;
      while (busy.has(conversation)) conversation = next++ % CONVERSATIONS;
      busy.add(conversation);
      const turn = (turnsSoFar.get(conversation) ?? 0) + 1;
      turnsSoFar.set(conversation, turn);
      const started = performance.now();
      const status = await post(activity(conversation, turn, utterance(turn)));
      latencies.push(performance.now() - started);
      if (status !== 200) errors++;
      busy.delete(conversation);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return { latencies, errors, turns: latencies.length };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function measure(target: Target, concurrency: number, redis: Redis | Cluster | undefined, turnsSoFar: Map<number, number>): Promise<Result> {
  await load(target.url, concurrency, WARMUP, turnsSoFar);
  const cpuBefore = cpuTicks(target.pid);
  const callsBefore = await redisCalls(redis);
  const noTrips = { total: 0, userWrites: 0, besideLock: 0, afterLock: 0, withCommit: 0 };
  const tripsBefore = redis ? await storeRoundTrips(target.url) : noTrips;
  const started = performance.now();
  const { latencies, errors, turns } = await load(target.url, concurrency, SECONDS, turnsSoFar);
  const elapsed = (performance.now() - started) / 1000;
  const cpuSeconds = (cpuTicks(target.pid) - cpuBefore) / CLOCK_TICKS;
  const calls = await redisCalls(redis);
  const tripsAfter = redis ? await storeRoundTrips(target.url) : noTrips;
  const transactions = calls.transactions - callsBefore.transactions;
  // The transcript append counts among the store's (op="transcript_append"); before it was a script it was a MULTI/EXEC.
  const trips = tripsAfter.total - tripsBefore.total + (tripsAfter.afterLock - tripsBefore.afterLock) + transactions;
  latencies.sort((a, b) => a - b);
  return {
    turnsPerSecond: turns / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuMicrosPerTurn: (cpuSeconds / turns) * 1e6,
    redisCommandsPerTurn: redis ? (calls.sent - callsBefore.sent + (tripsAfter.besideLock - tripsBefore.besideLock) + (tripsAfter.afterLock - tripsBefore.afterLock)) / turns : undefined,
    redisExecutedPerTurn: redis ? (calls.executed - callsBefore.executed) / turns : undefined,
    roundTripsPerTurn: redis ? trips / turns : undefined,
    besideLockPerTurn: redis ? (tripsAfter.besideLock - tripsBefore.besideLock) / turns : undefined,
    userWritesPerTurn: redis ? (tripsAfter.userWrites - tripsBefore.userWrites) / turns : undefined,
    withCommitPerTurn: redis ? (tripsAfter.withCommit - tripsBefore.withCommit) / turns : undefined,
    errors,
  };
}

async function bytesPerIdleConversation(target: Target, redis: Redis, prefix: string): Promise<{ bytes: number; valueBytes: number }> {
  const count = 100;
  for (let c = 0; c < count; c++) {
    for (let turn = 1; turn <= 6; turn++) {
      const res = await fetch(`${target.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: activity(1_000_000 + c, turn, utterance(turn)) });
      await res.text();
    }
  }
  await new Promise((r) => setTimeout(r, RELEASE_REMEMBERED_MS + 100)); // the released locks' short memory is not the conversation's
  const keys = (await redis.keys(`${prefix}*`)).filter((k) => /bench-(conv|user)-1\d{6}/.test(k));
  let bytes = 0;
  let valueBytes = 0;
  for (const key of keys) {
    bytes += Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
    if ((await redis.type(key)) === 'string') valueBytes += await redis.strlen(key);
  }
  return { bytes: bytes / count, valueBytes: valueBytes / count };
}

function row(name: string, c: number, r: Result): string {
  const fixed = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(2));
  return `| ${name} | ${c} | ${r.turnsPerSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.cpuMicrosPerTurn.toFixed(0)} | ${fixed(r.roundTripsPerTurn)}${r.userWritesPerTurn ? ` (user CAS ${fixed(r.userWritesPerTurn)})` : ''}${r.besideLockPerTurn ? ` + ${fixed(r.besideLockPerTurn)} beside the lock` : ''}${r.withCommitPerTurn ? ` + ${fixed(r.withCommitPerTurn)} beside the commit` : ''} | ${fixed(r.redisCommandsPerTurn)} (${fixed(r.redisExecutedPerTurn)}) | ${r.errors} |`;
}

async function turnsSection(): Promise<void> {
  const redisServer = await startTestRedis();
  const redis = new Redis(redisServer.url);
  const prefix = `bench:${Date.now()}:`;
  const results = new Map<string, Result[]>();
  // one redis-server: REDIS_ONE_NODE (the lock-and-read also reads the user's state and the handoff record; the transcript append beside the commit)
  const oneNode = process.env.BENCH_REDIS_ONE_NODE ?? 'true';
  const BOT_ENV = { REDIS_URL: redisServer.url, REDIS_KEY_PREFIX: prefix, DIRECTLINE_TOKEN_SECRET: 'bench-only-secret-0123456789abcdef0123456789', API_MESSAGES: 'local', REDIS_ONE_NODE: oneNode };
  // Like for like with the stock bot: this bot on its embedded in-process store, as `npm start` runs
  // without REDIS_URL (src/app.ts createStore). Empty values override any REDIS_* in the bench's own environment.
  const EMBEDDED_ENV = { REDIS_URL: '', REDIS_CLUSTER_NODES: '', DIRECTLINE_TOKEN_SECRET: BOT_ENV.DIRECTLINE_TOKEN_SECRET, API_MESSAGES: 'local' };
  const order = ['baseline', 'bot', 'embedded'];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const which of round % 2 === 0 ? order : [...order].reverse()) {
        const target =
          which === 'baseline'
            ? await startTarget('stock botbuilder, MemoryStorage', 'bench/baselineBot.js', {})
            : which === 'embedded'
              ? // a new process each round: its store starts empty, as the stock bot's MemoryStorage does
                await startTarget('this bot, embedded store', 'src/main.js', EMBEDDED_ENV)
              : // each round's own keys: every round starts from new conversations, as the stock bot's fresh MemoryStorage does
                await startTarget('this bot, Redis', 'src/main.js', { ...BOT_ENV, REDIS_KEY_PREFIX: `${prefix}r${round}:` });
        const turnsSoFar = new Map<number, number>();
        for (const c of CONCURRENCIES) {
          const r = await measure(target, c, which === 'bot' ? redis : undefined, turnsSoFar);
          const key = `${which}:${c}`;
          results.set(key, [...(results.get(key) ?? []), r]);
          process.stderr.write(`round ${round + 1} ${target.name} c=${c}: ${r.turnsPerSecond.toFixed(0)} turns/s\n`);
        }
        await target.stop();
      }
    }

    const pick = (key: string): Result => {
      const runs = results.get(key)!;
      const byThroughput = [...runs].sort((a, b) => a.turnsPerSecond - b.turnsPerSecond);
      return byThroughput[Math.floor(byThroughput.length / 2)];
    };
    console.log(`\nnode ${process.version}, ${CONVERSATIONS} conversations, ${SECONDS} s measured after ${WARMUP} s warm-up, median of ${ROUNDS} round(s); this bot with REDIS_ONE_NODE=${oneNode} (BENCH_REDIS_ONE_NODE)\n`);
    console.log('| bot | concurrency | turns/s | p50 ms | p99 ms | server CPU µs/turn | Redis round trips/turn, waited in sequence (+ sent beside the lock or the commit) | Redis commands/turn sent (executed, incl. inside scripts) | errors |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const c of CONCURRENCIES) {
      console.log(row('stock botbuilder, MemoryStorage', c, pick(`baseline:${c}`)));
      console.log(row('this bot, Redis + turn lock', c, pick(`bot:${c}`)));
      console.log(row('this bot, embedded store (no REDIS_URL) + turn lock', c, pick(`embedded:${c}`)));
    }
    console.log('');
    for (const c of CONCURRENCIES) {
      const ratio = pick(`bot:${c}`).turnsPerSecond / pick(`baseline:${c}`).turnsPerSecond;
      const perRound = results.get(`bot:${c}`)!.map((r, i) => (r.turnsPerSecond / results.get(`baseline:${c}`)![i].turnsPerSecond).toFixed(2));
      console.log(`concurrency ${c}: this bot ÷ stock = ${ratio.toFixed(2)}× turns/s (per round: ${perRound.join(', ')}); CPU per turn ${(pick(`bot:${c}`).cpuMicrosPerTurn / pick(`baseline:${c}`).cpuMicrosPerTurn).toFixed(2)}× stock`);
    }
    // Both stores in the process's memory: what is left of the Redis line's gap is the Redis client and its round trips.
    for (const c of CONCURRENCIES) {
      const [embedded, baseline] = [pick(`embedded:${c}`), pick(`baseline:${c}`)];
      const perRound = results.get(`embedded:${c}`)!.map((r, i) => (r.turnsPerSecond / results.get(`baseline:${c}`)![i].turnsPerSecond).toFixed(2));
      const cpuPerRound = results.get(`embedded:${c}`)!.map((r, i) => (r.cpuMicrosPerTurn / results.get(`baseline:${c}`)![i].cpuMicrosPerTurn).toFixed(2));
      console.log(
        `concurrency ${c}, like for like: this bot (embedded store) ÷ stock (MemoryStorage) = ${(embedded.turnsPerSecond / baseline.turnsPerSecond).toFixed(2)}× turns/s (per round: ${perRound.join(', ')}); ` +
          `CPU per turn ${embedded.cpuMicrosPerTurn.toFixed(0)} µs vs ${baseline.cpuMicrosPerTurn.toFixed(0)} µs = ${(embedded.cpuMicrosPerTurn / baseline.cpuMicrosPerTurn).toFixed(2)}× stock (per round: ${cpuPerRound.join(', ')})`,
      );
    }

    await clusterFigures(results, pick);

    const target = await startTarget('this bot, Redis', 'src/main.js', BOT_ENV);
    try {
      const size = await bytesPerIdleConversation(target, redis, prefix);
      console.log(`\nRedis memory per idle conversation after a 6-turn dialog (language, profile, a topic) (conversation + user keys): ${size.bytes.toFixed(0)} bytes (MEMORY USAGE), of which values ${size.valueBytes.toFixed(0)} bytes`);
    } finally {
      await target.stop();
    }
    console.log(`\n${(await smsLatency(redisServer.url, prefix)).join('\n')}`);

    // Handoff: two instances on one Redis (bench/handoff.ts).
    const handoffPrefix = `${prefix}ho:`;
    // every web chat comes from this one machine: the per-client limits are lifted (as in the sockets section)
    const handoffEnv = { ...BOT_ENV, REDIS_KEY_PREFIX: handoffPrefix, RATE_NEW_CONVERSATIONS_PER_MINUTE: '100000', RATE_TOKENS_PER_MINUTE: '100000' };
    const [a, b] = [await startTarget('instance A', 'src/main.js', handoffEnv), await startTarget('instance B', 'src/main.js', handoffEnv)];
    try {
      console.log(await handoffFigures(a, b, redisServer.url, handoffPrefix, Number(process.env.BENCH_HANDOFF_ROUNDS ?? 50)));
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  } finally {
    await redis.quit();
    await redisServer.stop();
  }
}

/**
 * The same load on a Redis Cluster (3 masters + 3 replicas on this machine, REDIS_CLUSTER_NODES),
 * printed beside standalone Redis. One round, after the standalone rounds.
 */
async function clusterFigures(results: Map<string, Result[]>, pick: (key: string) => Result): Promise<void> {
  const cluster = await startTestRedisCluster();
  const client = cluster.client();
  try {
    const target = await startTarget('this bot, Redis Cluster', 'src/main.js', {
      REDIS_CLUSTER_NODES: cluster.nodes.join(','),
      REDIS_KEY_PREFIX: `bench:${Date.now()}:`,
      DIRECTLINE_TOKEN_SECRET: 'bench-only-secret-0123456789abcdef0123456789',
      API_MESSAGES: 'local', // NODE_ENV=production refuses /api/messages without credentials otherwise
    });
    try {
      const turnsSoFar = new Map<number, number>();
      console.log('\nRedis Cluster (3 masters + 3 replicas, loopback) beside standalone Redis:\n');
      console.log('| bot | concurrency | turns/s | p50 ms | p99 ms | server CPU µs/turn | Redis round trips/turn, waited in sequence (+ sent beside the lock or the commit) | Redis commands/turn sent (executed, incl. inside scripts) | errors |');
      console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
      for (const c of CONCURRENCIES) {
        const r = await measure(target, c, client, turnsSoFar);
        results.set(`cluster:${c}`, [r]);
        process.stderr.write(`${target.name} c=${c}: ${r.turnsPerSecond.toFixed(0)} turns/s\n`);
        console.log(row('this bot, standalone Redis', c, pick(`bot:${c}`)));
        console.log(row('this bot, Redis Cluster', c, r));
      }
    } finally {
      await target.stop();
    }
  } finally {
    client.disconnect();
    await cluster.stop();
  }
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
const goal = (ok: boolean) => (ok ? 'met' : '**not met**');

async function pageSection(): Promise<void> {
  const target = await startTarget('this bot (chat page)', 'src/main.js', { ENABLED_LOCALES: 'da,en,de,uk,ru,ar,fa,ps,ti,so', DIRECTLINE_TOKEN_SECRET: 'bench-only-secret-0123456789abcdef0123456789', API_MESSAGES: 'off' });
  try {
    console.log('\n### Chat page (headless Chromium, DevTools protocol; bytes over the wire, headers included)\n');
    console.log('| language chosen | first open: page files | repeat visit (cached) | Direct Line on first open | first open, by file |');
    console.log('|---|---:|---:|---:|---|');
    for (const language of ['da', 'ti', 'ar']) {
      const w = await pageWeight(target, language);
      const files = w.firstOpenByFile.map((f) => `${f.path.replace(/\.[0-9a-f]{12}\./, '.')} ${kb(f.bytes)}`).join(', ');
      console.log(`| ${language} | ${kb(w.firstOpen)} (goal ≤ 600 KB: ${goal(w.firstOpen <= 600_000)}) | ${kb(w.repeatVisit)} (goal ≤ 15 KB: ${goal(w.repeatVisit <= 15_000)}) | ${kb(w.directLineFirstOpen)} | ${files} |`);
    }
    console.log(`\n### Time to the bot's first message, throttled to ${process.env.BENCH_THROTTLE_KBIT ?? 400} kbit/s, ${process.env.BENCH_THROTTLE_LATENCY_MS ?? 400} ms latency (fresh browser profile)\n`);
    console.log('| language | picker shown | first bot message, first visit (language picked as soon as shown) | first bot message, return visit |');
    console.log('|---|---:|---:|---:|');
    for (const language of ['da', 'ti']) {
      const t = await throttledLoad(target, language);
      console.log(`| ${language} | ${(t.pickerMs / 1000).toFixed(1)} s | ${(t.firstMessageMs / 1000).toFixed(1)} s (goal ≤ 8 s: ${goal(t.firstMessageMs <= 8000)}) | ${(t.returningFirstMessageMs / 1000).toFixed(1)} s |`);
    }
  } finally {
    await target.stop();
  }
}

function bundlesSection(): void {
  console.log('\n### Web Chat options (bytes)\n');
  console.log('| option | raw | gzip -9 | brotli 11 | what it loses |');
  console.log('|---|---:|---:|---:|---|');
  for (const o of bundleOptions()) console.log(`| ${o.name} | ${kb(o.raw)} | ${kb(o.gzip)} | ${kb(o.br)} | ${o.loses} |`);
}

async function socketsSection(): Promise<void> {
  const redisServer = await startTestRedis();
  const sockets = Number(process.env.BENCH_SOCKETS ?? 1000);
  const target = await startTarget('this bot, Redis (Direct Line)', 'src/main.js', {
    REDIS_URL: redisServer.url,
    REDIS_KEY_PREFIX: `bench:${Date.now()}:`,
    DIRECTLINE_TOKEN_SECRET: 'bench-only-secret-0123456789abcdef0123456789',
    // web chat only; every conversation comes from this one machine, so the per-client limits are lifted
    API_MESSAGES: 'off',
    RATE_NEW_CONVERSATIONS_PER_MINUTE: '100000',
    RATE_TOKENS_PER_MINUTE: '100000',
  });
  try {
    const r = await socketBench(target, sockets, redisServer.url);
    console.log(`\n### Direct Line: post → the bot's reply on the WebSocket, ${r.sockets} WebSockets open on one instance (Redis), ${process.env.BENCH_SOCKET_CONCURRENCY ?? 10} posting at once\n`);
    console.log('| open WebSockets | posts timed | p50 ms | p99 ms | max ms | POST answered p50 / p99 ms | errors | memory per open WebSocket (RSS) | heap per WebSocket | RSS per conversation + WebSocket |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    console.log(`| ${r.sockets} | ${r.posts} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} (goal ≤ 50: ${goal(r.p99 <= 50)}) | ${r.max.toFixed(1)} | ${r.postP50.toFixed(1)} / ${r.postP99.toFixed(1)} | ${r.errors} | ${kb(r.rssPerSocket)} (goal ≤ 30 KB: ${goal(r.rssPerSocket <= 30_000)}) | ${kb(r.heapPerSocket)} | ${kb(r.rssPerConversationAndSocket)} |`);
    console.log('\nRedis commands per post (MONITOR, posts one at a time after the timed ones; a post is the user\'s activity and the bot\'s replies):\n');
    console.log('| activities per post | Direct Line log (sent) | all sent (the turn\'s state too) | all executed (inside scripts too) | server CPU per post | load average (1 min) before → after the timed posts |');
    console.log('|---:|---:|---:|---:|---:|---|');
    console.log(`| ${r.activitiesPerPost.toFixed(1)} | ${r.directLineCommandsPerPost.toFixed(1)} | ${r.allCommandsPerPost.toFixed(1)} | ${r.executedPerPost.toFixed(1)} | ${r.cpuMsPerPost.toFixed(2)} ms | ${r.load[0].toFixed(2)} → ${r.load[1].toFixed(2)} |`);
  } finally {
    await target.stop();
    await redisServer.stop();
  }
}

const SECTIONS: Record<string, () => Promise<void> | void> = { turns: turnsSection, page: pageSection, bundles: bundlesSection, sockets: socketsSection, understanding: () => console.log(understandingFigures()) };

async function main(): Promise<void> {
  const only = (process.env.BENCH_ONLY ?? Object.keys(SECTIONS).join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  // Figures on a shared machine mean little without how busy it was.
  const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`bench ${new Date().toISOString()}, node ${process.version}, ${cpus().length} CPUs, load average ${load()} (1, 5, 15 min)`);
  for (const name of only) {
    const section = SECTIONS[name];
    if (!section) throw new Error(`BENCH_ONLY: no section "${name}" (there are ${Object.keys(SECTIONS).join(', ')})`);
    const started = Date.now();
    await section();
    process.stderr.write(`bench section ${name}: ${((Date.now() - started) / 1000).toFixed(0)} s, load average now ${load()}\n`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
