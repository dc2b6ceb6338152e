import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * The real things the end-to-end tests drive: the built server (standalone: embedded
 * PostgreSQL in a fresh data folder, no Redis), the built CLI as a child process, and HTTP
 * targets on loopback.
 */
export const ROOT = join(__dirname, '../../..');
export const SERVER_MAIN = join(ROOT, 'dist/apps/server/main.js');
export const CLI_MAIN = join(ROOT, 'dist/apps/cli/main.js');

/** Every child a test starts, so that afterAll can stop it even when the test fails. */
const children = new Set<ChildProcess>();
const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

export function killAll(): void {
  for (const child of children) if (alive(child)) child.kill('SIGKILL');
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function lines(stream: NodeJS.ReadableStream, into: string[], onLine?: (line: string) => void) {
  let partial = '';
  stream.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      into.push(line);
      onLine?.(line);
    }
  });
}

export interface Hookyard {
  url: string;
  token: string;
  port: number;
  log: string[];
  api<T>(path: string, init?: { method?: string; json?: unknown }): Promise<T>;
  /** SIGTERM, as a service manager stops it; resolves once it exited. */
  stop(): Promise<void>;
}

/** `node dist/apps/server/main.js` standalone on a data folder; resolves once its banner is out. */
export async function startHookyard(dataDir: string, port: number): Promise<Hookyard> {
  const child = spawn(process.execPath, [SERVER_MAIN], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HOOKYARD_DATA_DIR: dataDir,
      HOOKYARD_HOST: '127.0.0.1',
      PORT: String(port),
      HOOKYARD_LOG_LEVEL: 'warn',
      HOOKYARD_SWEEP_INTERVAL_MS: '300',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const log: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const banner = new Promise<{ url: string; token: string }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the server printed no banner:\n${log.join('\n')}`)),
      120_000,
    );
    const onLine = () => {
      const match = /Sign in\s+(http:\/\/\S+)\/#token=(\S+)/.exec(log.join('\n'));
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1], token: match[2] });
      }
    };
    lines(child.stdout as NodeJS.ReadableStream, log, onLine);
    lines(child.stderr as NodeJS.ReadableStream, log, onLine);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the server exited before its banner:\n${log.join('\n')}`));
    });
  });
  const { url, token } = await banner;
  return {
    url,
    token,
    port,
    log,
    async api<T>(path: string, init: { method?: string; json?: unknown } = {}) {
      const res = await fetch(`${url}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${token}`,
          ...(init.json !== undefined && { 'content-type': 'application/json' }),
        },
        ...(init.json !== undefined && { body: JSON.stringify(init.json) }),
      });
      if (!res.ok) {
        throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
      }
      return (await res.json()) as T;
    },
    async stop() {
      if (alive(child)) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI to its end. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI_MAIN, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** A long-running CLI (`listen`): its output line by line, as it comes. */
export class CliProcess {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [CLI_MAIN, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(this.child);
    lines(this.child.stdout as NodeJS.ReadableStream, this.stdout);
    lines(this.child.stderr as NodeJS.ReadableStream, this.stderr);
    this.exited = new Promise((resolve) => this.child.once('close', (code) => resolve(code)));
  }

  /** Resolves with the first stderr line matching, e.g. the "Listening" line. */
  status(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    return eventually(
      () => this.stderr.find((line) => pattern.test(line)),
      timeoutMs,
      `a CLI status line matching ${pattern} (stderr so far: ${JSON.stringify(this.stderr)})`,
    );
  }

  /** Started and connected: every source registered. */
  ready(): Promise<string> {
    return this.status(/^Listening/);
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  async kill(): Promise<void> {
    if (alive(this.child)) this.child.kill('SIGKILL');
    await this.exited;
  }
}

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A local app the CLI forwards to: records what arrives, answers 200 unless told otherwise. */
export class Target {
  readonly received: Received[] = [];
  status = 200;
  private server!: Server;

  static async start(port = 0): Promise<Target> {
    const target = new Target();
    target.server = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        target.received.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
        });
        res.writeHead(target.status, { 'content-type': 'text/plain', 'x-target': 'yes' });
        res.end(`answered ${target.status}`);
      });
    });
    await new Promise<void>((resolve) => target.server.listen(port, '127.0.0.1', resolve));
    return target;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/hooks'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  bodies(): string[] {
    return this.received.map((r) => r.body.toString());
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
