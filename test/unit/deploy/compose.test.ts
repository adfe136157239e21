import Ajv from 'ajv';
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../../src/projectRoot';

const read = (path: string) => readFileSync(join(PROJECT_ROOT, path), 'utf8');
/** Compose reads YAML merge keys (<<: *anchor), as YAML 1.1 does. */
const parseCompose = (text: string) => parse(text, { merge: true }) as Compose;

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  env_file?: { path: string; required: boolean }[];
  volumes?: string[];
  ports?: string[];
  stop_grace_period?: string;
  init?: boolean;
  read_only?: boolean;
  networks?: string[];
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  networks: Record<string, { internal?: boolean }>;
}

const COMPOSE_TEXT = read('deploy/compose.yaml');
const compose = parseCompose(COMPOSE_TEXT);
// The schema names draft-07 by its https address, which Ajv knows by the http one; same meta-schema.
const schema = { ...JSON.parse(read('test/fixtures/compose-spec/compose-spec.json')), $schema: 'http://json-schema.org/draft-07/schema#' };
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

const seconds = (duration: string) => {
  const m = /^(\d+)(ms|s|m)$/.exec(duration);
  if (!m) throw new Error(`not a duration: ${duration}`);
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60 }[m[2] as 'ms' | 's' | 'm'];
};

describe('deploy/compose.yaml', () => {
  it('is valid against the Compose Specification schema', () => {
    const ok = validate(compose);
    expect(ok, JSON.stringify(validate.errors, null, 2)).to.equal(true);
  });

  it('the schema check catches a broken file (misspelt key, wrong type)', () => {
    expect(validate(parseCompose(COMPOSE_TEXT.replace('restart: unless-stopped', 'restartt: unless-stopped')))).to.equal(false);
    expect(validate(parseCompose(COMPOSE_TEXT.replace('stop_grace_period: 30s', 'stop_grace_period: [30]')))).to.equal(false);
  });

  it('starts Redis with AOF on a named volume, password from .env, on a network with no route out', () => {
    const redis = compose.services.redis;
    const command = redis.command!.join(' ');
    expect(command).to.match(/--appendonly yes/);
    expect(command).to.include('--dir /data');
    expect(command).to.include('--requirepass ${REDIS_PASSWORD:?');
    const volume = redis.volumes!.find((v) => v.endsWith(':/data'))!;
    expect(compose.volumes).to.have.property(volume.split(':')[0]);
    expect(redis.ports, 'Redis must not be published').to.equal(undefined);
    expect(compose.networks[redis.networks![0]].internal).to.equal(true);
  });

  it('runs two bot instances from deploy/Dockerfile with secrets from deploy/.env, NODE_ENV=production, and time to finish turns', () => {
    const bots = Object.entries(compose.services).filter(([, s]) => s.build?.dockerfile === 'deploy/Dockerfile');
    expect(bots.map(([name]) => name)).to.have.length(2);
    for (const [name, bot] of bots) {
      expect(bot.env_file, name).to.deep.equal([{ path: '.env', required: true }]);
      expect(bot.environment!.NODE_ENV).to.equal('production');
      expect(bot.environment!.REDIS_URL).to.match(/^redis:\/\/:\$\{REDIS_PASSWORD:\?[^}]*\}@redis:6379$/);
      expect(bot.init).to.equal(true);
      expect(bot.read_only).to.equal(true);
      expect(bot.ports, 'only the proxy is published').to.equal(undefined);
      const graceMs = Number(bot.environment!.SHUTDOWN_GRACE_MS);
      expect(seconds(bot.stop_grace_period!) * 1000).to.be.greaterThan(graceMs);
    }
  });

  it('puts Caddy in front of both instances, streaming (SSE, WebSocket) and checking /readyz', () => {
    const proxy = compose.services.proxy;
    expect(proxy.ports).to.include.members(['80:80', '443:443']);
    expect(proxy.volumes).to.include('./Caddyfile:/etc/caddy/Caddyfile:ro');
    const caddyfile = read('deploy/Caddyfile');
    expect(caddyfile).to.match(/reverse_proxy bot-1:3978 bot-2:3978 \{/);
    expect(caddyfile).to.match(/^\s*flush_interval -1$/m);
    expect(caddyfile).to.match(/^\s*health_uri \/readyz$/m);
    expect(caddyfile).to.match(/@compressible not header Accept text\/event-stream/);
  });

  it('keeps secrets out of git: every ${VAR} the file uses is documented in .env.example, which holds no value for a secret; .env is ignored', () => {
    const used = new Set([...COMPOSE_TEXT.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
    const example = read('deploy/.env.example');
    const documented = new Map(
      example
        .split('\n')
        .filter((l) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
    );
    for (const name of used) expect(documented.has(name), `${name} missing in deploy/.env.example`).to.equal(true);
    for (const [name, value] of documented) {
      if (/SECRET|PASSWORD|KEY|TOKEN/i.test(name)) expect(value, `${name} has a value in .env.example`).to.equal('');
    }
    // No literal secret in the compose file itself.
    for (const [, service] of Object.entries(compose.services)) {
      for (const [name, value] of Object.entries(service.environment ?? {})) {
        if (/SECRET|PASSWORD|KEY|TOKEN/i.test(name)) expect(value).to.match(/^\$\{/);
      }
    }
    expect(read('.gitignore').split('\n')).to.include('.env');
    const ignored = spawnSync('git', ['check-ignore', '-q', 'deploy/.env'], { cwd: PROJECT_ROOT });
    expect(ignored.status, 'git check-ignore deploy/.env').to.equal(0);
  });

  it('has a Caddyfile that Caddy itself accepts (caddy validate)', function () {
    const probe = spawnSync('caddy', ['version'], { encoding: 'utf8' });
    if (probe.error) {
      console.log('      (skipped: no caddy binary here; .ci/run installs Debian\'s caddy)');
      this.skip();
    }
    const run = spawnSync('caddy', ['validate', '--adapter', 'caddyfile', '--config', join(PROJECT_ROOT, 'deploy/Caddyfile')], {
      encoding: 'utf8',
      env: { ...process.env, SITE_ADDRESS: ':8080' },
      timeout: 30_000,
    });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout + run.stderr).to.include('Valid configuration');
  });
});
