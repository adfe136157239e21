import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from 'ioredis';

/**
 * A throwaway Redis Cluster for the tests: 3 masters and 3 replicas of `redis-server
 * --cluster-enabled yes` on free loopback ports (each also uses its bus port, port + 10000),
 * joined by `redis-cli --cluster create --cluster-replicas 1`. Started once per test run, on first
 * use (`testRedisCluster()`), and stopped by the root hooks. `cluster-node-timeout` is 2 s, so a
 * killed master's replica takes over within a few seconds.
 */
export interface TestRedisCluster {
  /** `host:port` of every node, for REDIS_CLUSTER_NODES. */
  nodes: string[];
  /** A client for the cluster (the tests' own). */
  client(): Cluster;
  /** Kills the master serving `key` with SIGKILL; resolves when its replica has taken over. */
  killMasterOf(key: string, timeoutMs?: number): Promise<{ killed: string; promoted: string; ms: number }>;
  stop(): Promise<void>;
}

const NODE_TIMEOUT_MS = 2000;

interface Node {
  port: number;
  child: ChildProcess;
  output: string;
}

let running: Promise<TestRedisCluster> | undefined;

export function testRedisCluster(): Promise<TestRedisCluster> {
  return (running ??= startTestRedisCluster());
}

/** Stops the cluster if a test started it. */
export async function stopTestRedisCluster(): Promise<void> {
  if (!running) return;
  const cluster = await running.catch(() => undefined);
  running = undefined;
  await cluster?.stop();
}

function requireBinary(name: string, pkg: string): void {
  const probe = spawnSync(name, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `The Redis Cluster tests need ${name} on PATH, and none was found.\n` +
        `Install it (Debian/Ubuntu: apt-get install -y ${pkg}; macOS: brew install redis).`,
    );
  }
}

/** A port P on 127.0.0.1 with P and P + 10000 both free. */
async function clusterPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    if ((await free(port)) && (await free(port + 10000))) return port;
  }
  throw new Error('no free port pair for a Redis Cluster node');
}

function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function startNode(dir: string, port: number): Promise<Node> {
  const nodeDir = join(dir, String(port));
  mkdirSync(nodeDir);
  const child = spawn(
    'redis-server',
    [
      '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
      '--cluster-node-timeout', String(NODE_TIMEOUT_MS), '--save', '', '--appendonly', 'no', '--dir', nodeDir, '--protected-mode', 'yes',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const node: Node = { port, child, output: '' };
  child.stdout!.on('data', (d: Buffer) => (node.output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (node.output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server (cluster node ${port}) did not start within 10 s:\n${node.output}`)), 10_000);
    const check = () => {
      if (/ready to accept connections/i.test(node.output)) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        child.off('exit', exited);
        resolve();
      }
    };
    const exited = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`redis-server (cluster node ${port}) exited with code ${code}:\n${node.output}`));
    };
    child.stdout!.on('data', check);
    child.once('exit', exited);
  });
  return node;
}

function cli(port: number, ...args: string[]): string {
  const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  return result.stdout;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      if (await check()) return Date.now() - started;
    } catch {
      // not yet
    }
    if (Date.now() - started > timeoutMs) throw new Error(`Redis Cluster: ${what} not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The cluster's view from one node: `port → {role, slots}`. */
function topology(port: number): { port: number; master: boolean; failed: boolean; slots: string[]; id: string; masterId: string }[] {
  return cli(port, 'cluster', 'nodes')
    .trim()
    .split('\n')
    .map((line) => {
      const [id, address, flags, masterId, , , , , ...slots] = line.split(' ');
      return { id, port: Number(address.split('@')[0].split(':')[1]), master: flags.includes('master'), failed: flags.includes('fail'), slots, masterId };
    });
}

export async function startTestRedisCluster(): Promise<TestRedisCluster> {
  requireBinary('redis-server', 'redis-server');
  requireBinary('redis-cli', 'redis-tools');
  const dir = mkdtempSync(join(tmpdir(), 'tib-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < 6; i++) {
    let port = await clusterPort();
    while (ports.includes(port) || ports.includes(port - 10000) || ports.includes(port + 10000)) port = await clusterPort();
    ports.push(port);
  }
  const nodes = new Map<number, Node>();
  const stop = async () => {
    await Promise.all(
      [...nodes.values()].map(async (node) => {
        if (node.child.exitCode !== null || node.child.signalCode !== null) return;
        const exited = new Promise((r) => node.child.once('exit', r));
        node.child.kill('SIGKILL');
        await exited;
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  // Never leave servers behind, even when the run is cut short.
  const onExit = () => {
    for (const node of nodes.values()) if (node.child.exitCode === null) node.child.kill('SIGKILL');
  };
  process.once('exit', onExit);
  try {
    for (const node of await Promise.all(ports.map((port) => startNode(dir, port)))) nodes.set(node.port, node);
    const created = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed:\n${created.stdout}\n${created.stderr}`);
    await until(() => ports.every((p) => /cluster_state:ok/.test(cli(p, 'cluster', 'info'))), 'cluster_state:ok on every node', 30_000);
    // Every replica attached to its master (a failover test needs one to promote).
    await until(() => topology(ports[0]).filter((n) => !n.master && n.masterId !== '-').length === 3, 'three replicas attached', 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  const addresses = ports.map((p) => `127.0.0.1:${p}`);
  return {
    nodes: addresses,
    client: () => new Cluster(addresses.map((a) => ({ host: '127.0.0.1', port: Number(a.split(':')[1]) }))),
    async killMasterOf(key: string, timeoutMs = 30_000) {
      const alive = [...nodes.values()].find((n) => n.child.exitCode === null && n.child.signalCode === null)!;
      const slot = Number(cli(alive.port, 'cluster', 'keyslot', key).trim());
      const inSlot = (ranges: string[]) =>
        ranges.some((r) => {
          const [from, to] = r.split('-').map(Number);
          return slot >= from && slot <= (to ?? from);
        });
      const master = topology(alive.port).find((n) => n.master && !n.failed && inSlot(n.slots));
      if (!master) throw new Error(`no master serves slot ${slot}`);
      const victim = nodes.get(master.port)!;
      const started = Date.now();
      const exited = new Promise((r) => victim.child.once('exit', r));
      victim.child.kill('SIGKILL');
      await exited;
      const witness = [...nodes.values()].find((n) => n !== victim)!;
      let promoted = 0;
      await until(
        () => {
          const now = topology(witness.port).find((n) => n.master && !n.failed && n.port !== master.port && inSlot(n.slots));
          if (now) promoted = now.port;
          return now !== undefined && /cluster_state:ok/.test(cli(witness.port, 'cluster', 'info'));
        },
        `a replica promoted for slot ${slot}`,
        timeoutMs,
      );
      return { killed: `127.0.0.1:${master.port}`, promoted: `127.0.0.1:${promoted}`, ms: Date.now() - started };
    },
    stop: async () => {
      process.off('exit', onExit);
      await stop();
    },
  };
}
