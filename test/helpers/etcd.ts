/**
 * A real etcd process per test file: free loopback ports, a temp data dir, health-checked
 * start, and kill/restart on the same ports and data so tests can exercise outages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Handle on one running etcd member used by a test. */
export interface EtcdServer {
  /** Client URL, e.g. `http://127.0.0.1:41234`. */
  readonly endpoint: string;
  readonly dataDir: string;
  /** Stop the process (SIGTERM if the caller owns the data dir) and remove this helper's temp dirs. */
  stop(): Promise<void>;
  /** SIGKILL, keeping the data dir so `restart` can bring the same member back. */
  kill(): Promise<void>;
  /** Start again on the same ports and data dir (stops it first if it is running). */
  restart(): Promise<void>;
  /** SIGSTOP: etcd keeps its sockets but answers nothing, so clients hit their deadlines. */
  freeze(): void;
  /** SIGCONT after `freeze`. */
  thaw(): void;
}

/** Options for `startEtcd`. */
export interface StartEtcdOptions {
  /** Reuse this data dir (kept on stop) instead of a fresh temp one. */
  readonly dataDir?: string;
}

const live = new Set<ChildProcess>();
// A crashed test worker must not leave etcd members behind.
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function healthy(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(500) });
    const body = (await res.json()) as { health?: string };
    return body.health === 'true';
  } catch {
    return false;
  }
}

function exited(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((r) => p.once('exit', () => r()));
}

class Member implements EtcdServer {
  private proc: ChildProcess | undefined;

  constructor(
    private readonly root: string,
    readonly dataDir: string,
    private readonly clientPort: number,
    private readonly peerPort: number,
  ) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.clientPort}`;
  }

  /** Spawns etcd and waits up to 10 s for /health; throws with the log tail on failure. */
  async launch(): Promise<void> {
    const peer = `http://127.0.0.1:${this.peerPort}`;
    const log = join(this.root, 'etcd.log');
    const proc = spawn('etcd', [
      '--name', 'test', '--data-dir', this.dataDir,
      '--listen-client-urls', this.endpoint, '--advertise-client-urls', this.endpoint,
      '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
      '--initial-cluster', `test=${peer}`, '--initial-cluster-state', 'new',
      '--logger', 'zap', '--log-outputs', log,
    ], { stdio: 'ignore' });
    this.proc = proc;
    live.add(proc);
    proc.once('exit', () => live.delete(proc));
    for (let i = 0; i < 200; i++) {
      if (proc.exitCode !== null) break;
      if (await healthy(this.endpoint)) return;
      await sleep(50);
    }
    proc.kill('SIGKILL');
    await exited(proc);
    const tail = (await readFile(log, 'utf8').catch(() => '')).split('\n').slice(-5).join('\n');
    throw new Error(`failed to start etcd on ${this.endpoint}: ${tail || 'no log'}`);
  }

  private async terminate(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const p = this.proc;
    if (!p) return;
    this.proc = undefined;
    // SIGKILL ends a frozen member where it stands; continuing it first would let it take
    // writes that arrived while it was frozen in the moment before the kill lands
    if (signal === 'SIGTERM') p.kill('SIGCONT');
    p.kill(signal);
    const timer = setTimeout(() => p.kill('SIGKILL'), 5000);
    await exited(p);
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    // Data about to be deleted needs no graceful shutdown (saves 1-2 s per test file).
    await this.terminate(this.dataDir.startsWith(this.root) ? 'SIGKILL' : 'SIGTERM');
    // A caller-supplied data dir lives outside root and is left alone.
    await rm(this.root, { recursive: true, force: true });
  }

  async kill(): Promise<void> {
    await this.terminate('SIGKILL');
  }

  freeze(): void {
    this.proc?.kill('SIGSTOP');
  }

  thaw(): void {
    this.proc?.kill('SIGCONT');
  }

  async restart(): Promise<void> {
    await this.terminate('SIGTERM');
    // The kernel may briefly hold the old listening socket; retry the bind a few times.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.launch();
        return;
      } catch (err) {
        if (attempt >= 3) throw err;
        await sleep(200);
      }
    }
  }
}

/** Starts a single-member etcd on free loopback ports; retries if a port was taken meanwhile. */
export async function startEtcd(opts: StartEtcdOptions = {}): Promise<EtcdServer> {
  let lastErr: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const root = await mkdtemp(join(tmpdir(), 'ipnet-etcd-'));
    const dataDir = opts.dataDir ?? join(root, 'data');
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const clientPort = await freePort();
    let peerPort = await freePort();
    while (peerPort === clientPort) peerPort = await freePort();
    const m = new Member(root, dataDir, clientPort, peerPort);
    try {
      await m.launch();
      return m;
    } catch (err) {
      lastErr = err;
      await rm(root, { recursive: true, force: true });
    }
  }
  throw lastErr;
}
