// Child processes of a run: the Hookyard server (from a snapshot of its build), the
// baselines and the target. Every child is tracked and killed if the run dies.
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { log, sleep } from './progress.mjs';

const children = new Set();

export function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Last resort (an exception or a signal): no child outlives the run. */
export function killAll() {
  for (const child of children) child.kill('SIGKILL');
}
process.once('exit', killAll);

/**
 * Builds the server if it has not been built, then copies the build into the run's own
 * folder: a rebuild by someone else during the run cannot swap the code under test. The
 * copy stays inside the repository so that Node finds `node_modules` from it. Returns its
 * path and the build's time.
 */
export function snapshotServer(root, runDir) {
  const built = join(root, 'dist/apps/server/main.js');
  if (!existsSync(built)) {
    log('dist/apps/server/main.js is missing: building the server (npx nx build server)…');
    const result = spawnSync('npx', ['nx', 'build', 'server', '--outputStyle=static'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NX_TUI: 'false' },
    });
    if (result.status !== 0) throw new Error('`npx nx build server` failed');
  }
  const dir = join(runDir, 'server');
  mkdirSync(dir, { recursive: true });
  const builtAt = statSync(built).mtime.toISOString();
  copyFileSync(built, join(dir, 'main.js'));
  return { main: join(dir, 'main.js'), builtAt };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The environment without any Hookyard setting of the shell the bench was started from. */
function cleanEnv() {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(HOOKYARD_|DATABASE_|REDIS_|PORT$)/.test(name)) continue;
    env[name] = value;
  }
  return env;
}

/**
 * Starts `node <script>` with `env` on a free port and waits until `GET <healthPath>`
 * answers 200. `stop()` sends SIGTERM and waits for the exit (SIGKILL after 15 s).
 */
export async function startService({ name, script, env = {}, healthPath = '/healthz' }) {
  const port = await freePort();
  const child = track(
    spawn(process.execPath, [script], {
      env: { ...cleanEnv(), ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const output = [];
  const keep = (chunk) => {
    output.push(...chunk.toString().split('\n').filter(Boolean));
    if (output.length > 40) output.splice(0, output.length - 40);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  const exit = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) {
      throw new Error(
        `${name} exited during start (${JSON.stringify(exited)}):\n${output.join('\n')}`,
      );
    }
    try {
      const res = await fetch(`${url}${healthPath}`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not become healthy in 90 s:\n${output.join('\n')}`);
    }
    await sleep(100);
  }
  return {
    name,
    url,
    port,
    pid: child.pid,
    output: () => output.join('\n'),
    async stop() {
      if (exited) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const result = await exit;
      clearTimeout(timer);
      return result;
    },
  };
}

/** Resident set size of a process in MiB, from /proc/<pid>/status (null if unavailable). */
export function rssMiB(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

let ticksPerSecond = null;

/** A process's command name and CPU seconds (user + system) so far, from /proc; null if gone. */
function processCpu(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      seconds: (Number(fields[11]) + Number(fields[12])) / ticksPerSecond,
    };
  } catch {
    return null;
  }
}

/**
 * A snapshot of the CPU time used so far by the processes in `pids` ({ label: pid }) and by
 * every process whose command name is in `names` (PostgreSQL's backends, Redis), labelled by
 * that name. Null on a system without /proc. `cpuSpent` subtracts two.
 */
export function cpuTimes({ pids = {}, names = [] }) {
  if (!existsSync('/proc/self/stat')) return null;
  ticksPerSecond ??= Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;
  const snapshot = new Map();
  const labels = new Map(Object.entries(pids).map(([label, pid]) => [String(pid), label]));
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (!labels.has(entry) && names.length === 0) continue;
    const cpu = processCpu(entry);
    const label = labels.get(entry) ?? (cpu && names.includes(cpu.name) ? cpu.name : null);
    if (cpu && label) snapshot.set(entry, { label, seconds: cpu.seconds });
  }
  return snapshot;
}

/**
 * CPU seconds per label from one snapshot to the next, over the processes alive at the second
 * (one that started in between counts from zero; one that exited is not counted).
 */
export function cpuSpent(before, after) {
  if (!before || !after) return null;
  const spent = {};
  for (const [pid, { label, seconds }] of after) {
    spent[label] = (spent[label] ?? 0) + seconds - (before.get(pid)?.seconds ?? 0);
  }
  return spent;
}

const heapProbe = fileURLToPath(new URL('./heap-probe.cjs', import.meta.url));

/**
 * The environment that loads `heap-probe.cjs` into a server, and `read()`, which has it run a
 * full garbage collection and returns its memory then (MiB: `heapUsed`, `rss`), or null if the
 * probe did not answer within 5 s.
 */
export function heapProbeFor(dir) {
  const file = join(dir, `heap-${Date.now()}.jsonl`);
  let answers = 0;
  return {
    env: { NODE_OPTIONS: `--require ${heapProbe}`, HOOKYARD_BENCH_HEAP_FILE: file },
    async read() {
      writeFileSync(`${file}.request`, '');
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        const lines = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
        if (lines.length > answers) {
          const usage = JSON.parse(lines[answers]);
          answers += 1;
          const mib = (bytes) => Math.round((bytes / 1048576) * 10) / 10;
          return { heapUsedMiB: mib(usage.heapUsed), rssMiB: mib(usage.rss) };
        }
        await sleep(50);
      }
      return null;
    },
  };
}
