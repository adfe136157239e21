/**
 * SMS part of `npm run bench`: the time from Twilio's webhook (POST /api/sms, signed with the real
 * `twilio` library) to the bridge's call to Twilio's REST API (a local stand-in), for first texts of
 * new numbers and for later texts of known ones, one at a time and 10 at once. Figures only.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import twilio from 'twilio';
import { FakeTwilio } from '../test/support/fakeTwilio';
import { freePort } from '../test/support/freePort';
import { PROJECT_ROOT } from '../src/projectRoot';

const PUBLIC_URL = 'https://sms.bench.test';
const TOKEN = randomBytes(16).toString('hex');

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function smsLatency(redisUrl: string, prefix: string, count = 200): Promise<string[]> {
  const fake = await new FakeTwilio().start();
  const port = await freePort();
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'src/main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: `${prefix}sms:`,
      TWILIO_ACCOUNT_SID: 'AC' + '2'.repeat(32),
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_FROM: '+4570000000',
      TWILIO_API_BASE: fake.url,
      PUBLIC_URL,
      SMS_HASH_SECRET: randomBytes(24).toString('hex'),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}/healthz`)).ok) break;
      } catch {
        if (i > 400) throw new Error('the SMS bench server did not start');
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    let seq = 0;
    const one = async (from: string, body: string): Promise<number> => {
      const sid = `SM${randomBytes(16).toString('hex')}`;
      const form = { From: from, To: '+4570000000', Body: body, MessageSid: sid, NumMedia: '0' };
      const signature = twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC_URL}/api/sms`, form);
      const delivered = fake.nextTextTo(from);
      const started = performance.now();
      const res = await fetch(`${url}/api/sms`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: new URLSearchParams(form).toString() });
      await res.text();
      await delivered;
      return performance.now() - started;
    };
    const numbers = Array.from({ length: count }, () => `+4530${String(++seq).padStart(6, '0')}`);
    const lines: string[] = [];
    const report = (what: string, ms: number[]) => {
      ms.sort((a, b) => a - b);
      lines.push(`| ${what} | ${ms.length} | ${percentile(ms, 50).toFixed(1)} | ${percentile(ms, 90).toFixed(1)} | ${percentile(ms, 99).toFixed(1)} |`);
    };
    // Warm-up: a few turns so the first measurement does not include loading code.
    for (const n of numbers.slice(0, 10)) await one(`${n}9`, 'hej');
    const first: number[] = [];
    for (const n of numbers) first.push(await one(n, 'hej'));
    report('first text of a new number (language prompt), one at a time', first);
    const later: number[] = [];
    for (const n of numbers) later.push(await one(n, '1'));
    report('a known number answers "1", one at a time', later);
    const parallel: number[] = [];
    for (let i = 0; i < numbers.length; i += 10) parallel.push(...(await Promise.all(numbers.slice(i, i + 10).map((n) => one(n, '2')))));
    report('a known number answers, 10 numbers at once', parallel);
    return [
      '| SMS webhook → Twilio REST call | texts | p50 ms | p90 ms | p99 ms |',
      '|---|---:|---:|---:|---:|',
      ...lines,
    ];
  } finally {
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    await fake.stop();
  }
}
