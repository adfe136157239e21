/**
 * The fuzz suite (#14): random requests against every route and the WebSocket upgrade of the real
 * service (its own process, on Redis), bounded in count and time. Whatever comes in: no 5xx (there
 * is no outage here), no stack trace in any body, every upgrade answered or upgraded and closed,
 * the process still answers /healthz afterwards, and its memory stays bounded.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import fc from 'fast-check';
import { spawnServer, type ServerProcess } from '../support/botServer';
import { testRedisUrl } from '../support/hooks';
import { uniquePrefix } from '../support/testKeys';

const SECRET = 'fuzz-test-secret-0123456789abcdef0123456789';
const HTTP_RUNS = Number(process.env.FUZZ_RUNS ?? 900);
const UPGRADE_RUNS = Number(process.env.FUZZ_UPGRADE_RUNS ?? 150);
const TIME_LIMIT_MS = 25_000;
/** How much the process may grow over the run. */
const RSS_GROWTH_BOUND_MB = 300;
/** A line of a JavaScript stack trace. */
const STACK = /\n\s+at .+[:(]\d+:\d+|\bat [A-Za-z_.]+ \(\/|node_modules\//;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

interface Fixture {
  conversationId: string;
  token: string;
}

const ID_VARIANTS = (f: Fixture) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(f.conversationId) },
    fc.constant(''),
    fc.constantFrom('%ZZ', '%', '%E0%A4%A', '..', '%2e%2e%2f', '%00', 'a'.repeat(300), 'x|0000001', '{tag}', '%F0%9F%98%80'),
    fc.string({ maxLength: 40 }).map(encodeURIComponent),
    fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
  );

const PATHS = (f: Fixture) =>
  fc.oneof(
    fc.constantFrom('/api/messages', '/healthz', '/readyz', '/metrics', '/api/directline/token', '/api/locales', '/', '/privacy.html', '/nope', '/%ZZ', '//', '/api/messages/'),
    fc.constantFrom('/v3/directline/tokens/generate', '/v3/directline/tokens/refresh', '/v3/directline/conversations'),
    fc.tuple(ID_VARIANTS(f), fc.constantFrom('', '/activities', '/upload', '/stream', '/activities/x')).map(([id, rest]) => `/v3/directline/conversations/${id}${rest}`),
    fc.tuple(ID_VARIANTS(f), fc.constantFrom('', '/abc')).map(([id, rest]) => `/directline/bot/v3/conversations/${id}/activities${rest}`),
  );

const QUERY = fc.oneof(fc.constant(''), fc.constantFrom('?watermark=3', '?watermark=-1', '?watermark=%ZZ', '?t=x', '?a=1&a=2', `?${'q'.repeat(2000)}`), fc.string({ maxLength: 30 }).map((s) => `?${encodeURIComponent(s)}=1`));

const ACTIVITY_FIELDS = fc.record(
  {
    type: fc.oneof(fc.constantFrom('message', 'conversationUpdate', 'event', 'invoke', 'typing', ''), fc.anything()),
    text: fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom('hej', 'slet mine data', 'ja', 'Dansk', '2', '٣'), fc.anything()),
    locale: fc.oneof(fc.constantFrom('da', 'en', 'ar-SA', 'xx'), fc.anything()),
    channelId: fc.oneof(fc.constantFrom('emulator', 'directline', 'msteams', 'sms', 'webchat'), fc.anything()),
    serviceUrl: fc.oneof(fc.constantFrom('http://127.0.0.1:9/unused', 'http://169.254.169.254/', 'not a url'), fc.anything()),
    conversation: fc.oneof(fc.record({ id: fc.oneof(fc.string({ maxLength: 30 }), fc.anything()) }), fc.anything()),
    from: fc.oneof(fc.record({ id: fc.oneof(fc.string({ maxLength: 30 }), fc.anything()), name: fc.anything() }), fc.anything()),
    recipient: fc.record({ id: fc.string({ maxLength: 10 }) }),
    deliveryMode: fc.constantFrom('expectReplies', 'normal', 'x'),
    membersAdded: fc.anything(),
    entities: fc.anything(),
    attachments: fc.anything(),
    timestamp: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.anything()),
    value: fc.anything(),
    channelData: fc.anything(),
    user: fc.anything(),
  },
  { requiredKeys: [] },
);

const BODY = fc.oneof(
  { weight: 4, arbitrary: ACTIVITY_FIELDS.map((a) => JSON.stringify(a)) },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
  { weight: 1, arbitrary: fc.constantFrom('{', '[]', 'null', '"x"', '{"type":"message","text":{"$gt":1}}', '\u0000', '{"__proto__":{"x":1}}') },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const REQUEST = (f: Fixture) =>
  fc.record({
    method: fc.oneof({ weight: 6, arbitrary: fc.constant('POST') }, { weight: 3, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') }),
    path: PATHS(f),
    query: QUERY,
    auth: fc.constantFrom('none', 'token', 'secret', 'garbage', 'bearer-empty', 'expired-looking'),
    contentType: fc.oneof({ weight: 8, arbitrary: fc.constant('application/json') }, { weight: 2, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/vnd.x+json', '') }),
    encoding: fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity') }),
    body: BODY,
  });

describe('fuzz: every route and the WebSocket upgrade', function () {
  this.timeout(120_000);
  let server: ServerProcess;
  let fixture: Fixture;

  before(async () => {
    server = await spawnServer({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: uniquePrefix('fuzz'), DIRECTLINE_TOKEN_SECRET: SECRET, LOG_LEVEL: 'warn', MAX_BODY_BYTES: '65536' });
    const token = (await (await fetch(`${server.url}/api/directline/token`, { method: 'POST' })).json()) as Fixture;
    const started = await fetch(`${server.url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token.token}` } });
    expect(started.status).to.equal(201);
    fixture = token;
  });
  after(() => server?.stop());

  it(`answers up to ${HTTP_RUNS} random requests and ${UPGRADE_RUNS} random upgrades without a 5xx, a stack trace, a crash or unbounded memory`, async () => {
    const pid = server.child.pid!;
    const rssBefore = rssMb(pid);
    const started = Date.now();
    let requests = 0;
    let fiveXx = 0;
    const statuses = new Map<number, number>();

    await fc.assert(
      fc.asyncProperty(REQUEST(fixture), async (r) => {
        const headers: Record<string, string> = {};
        if (r.contentType) headers['content-type'] = r.contentType;
        if (r.auth === 'token') headers.authorization = `Bearer ${fixture.token}`;
        if (r.auth === 'secret') headers.authorization = `Bearer ${SECRET}`;
        if (r.auth === 'garbage') headers.authorization = 'Bearer dl1.e30.AAAA';
        if (r.auth === 'bearer-empty') headers.authorization = 'Bearer ';
        if (r.auth === 'expired-looking') headers.authorization = 'Basic dXNlcjpwYXNz';
        let body: Buffer | string | undefined = r.method === 'GET' || r.method === 'HEAD' ? undefined : r.body;
        if (body !== undefined && r.encoding) {
          headers['content-encoding'] = r.encoding;
          if (r.encoding === 'gzip') body = gzipSync(Buffer.from(body));
        }
        const res = await fetch(`${server.url}${r.path}${r.query}`, { method: r.method, headers, body, signal: AbortSignal.timeout(15_000) });
        const text = await res.text();
        requests += 1;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500) fiveXx += 1;
        expect(res.status, `${r.method} ${r.path}${r.query.slice(0, 50)}: ${text.slice(0, 300)}`).to.be.below(500);
        expect(text, `${r.method} ${r.path}: a stack trace`).to.not.match(STACK);
      }),
      { numRuns: HTTP_RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false, endOnFailure: true },
    );

    let upgrades = 0;
    const { hostname, port } = new URL(server.url);
    await fc.assert(
      fc.asyncProperty(fc.tuple(ID_VARIANTS(fixture), fc.constantFrom('/stream', '', '/activities'), QUERY, fc.constantFrom('/v3/directline/conversations/', '/', '/api/messages/', '/x/')), async ([id, rest, query, base]) => {
        const path = `${base}${id}${rest}${query.replace(/^\?t=x$/, `?t=${fixture.token}`)}`;
        const answer = await new Promise<{ head: string; closed: boolean }>((resolve) => {
          let head = '';
          const socket = connect(Number(port), hostname, () =>
            socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`),
          );
          const timer = setTimeout(() => {
            socket.destroy();
            resolve({ head, closed: false });
          }, 5000);
          socket.on('error', () => undefined);
          socket.on('data', (d) => {
            head += d.toString();
            // an upgraded stream stays open by design: we close it ourselves
            if (/^HTTP\/1\.1 101 /.test(head)) {
              clearTimeout(timer);
              socket.destroy();
              resolve({ head, closed: true });
            }
          });
          socket.on('end', () => {
            clearTimeout(timer);
            socket.destroy();
            resolve({ head, closed: true });
          });
        });
        upgrades += 1;
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer.head)?.[1] ?? 0);
        if (status >= 500) fiveXx += 1;
        expect(status, `upgrade ${path.slice(0, 80)}: ${answer.head.slice(0, 200)}`).to.be.within(101, 499);
        expect(answer.closed, `upgrade ${path.slice(0, 80)} answered and closed`).to.equal(true);
        expect(answer.head).to.not.match(STACK);
      }),
      { numRuns: UPGRADE_RUNS, interruptAfterTimeLimit: 8000, markInterruptAsFailure: false, endOnFailure: true },
    );

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status, server.output().slice(-2000)).to.equal(200);
    const rssAfter = rssMb(pid);
    expect(rssAfter - rssBefore, `RSS ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MB`).to.be.below(RSS_GROWTH_BOUND_MB);
    expect(server.output()).to.not.match(/uncaught|URIError/i);
    console.log(
      `      fuzz: ${requests} requests + ${upgrades} upgrades in ${((Date.now() - started) / 1000).toFixed(1)} s, ${fiveXx} answered 5xx; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}; RSS ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MB`,
    );
  });
});
