// `npm run bench`: Hookyard's ingest, forwarding, end-to-end latency, scale and memory,
// measured in one run on this machine against baselines kept in bench/baselines.
// Writes bench/results/latest.json and latest.md; bench/README.md explains them.
// Needs PostgreSQL and Redis (BENCH_DATABASE_URL, BENCH_REDIS_URL); creates and drops its
// own databases. BENCH_QUICK=1 skips the 1M-event step.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem, type } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN_TOKEN, api, setUpIngestSources } from './lib/api.mjs';
import {
  PREFIX,
  REDIS_URL,
  clearRedisKeys,
  createDatabase,
  databaseUrl,
  dropDatabases,
  dropLeftovers,
  pool,
  serverVersions,
} from './lib/database.mjs';
import { runAutocannon, runPaced, sequentialLatency } from './lib/load.mjs';
import {
  cpuSpent,
  cpuTimes,
  heapProbeFor,
  rssMiB,
  snapshotServer,
  startService,
  track,
} from './lib/processes.mjs';
import { elapsedSeconds, eventually, log, preciseNow } from './lib/progress.mjs';
import { writeReport } from './lib/report.mjs';
import { SEARCH_TERM, addEvents } from './lib/scale-data.mjs';
import { round, slope, summarize } from './lib/stats.mjs';
import { startTarget } from './lib/target.mjs';
import { BODY_BYTES, SECRET, pacedWebhook, webhookRequest } from './lib/webhook.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = join(benchDir, '..');
const runDir = join(benchDir, '.run', String(process.pid));

const seconds = (name, fallback) => Number(process.env[name] ?? fallback);
const QUICK = process.env.BENCH_QUICK === '1';
const WARMUP_S = seconds('BENCH_WARMUP_S', 2);
const MEASURE_S = seconds('BENCH_MEASURE_S', 6);
/** Ingest rounds: each measures every server once, in turn, so a slow minute hits all of them. */
const ROUNDS = seconds('BENCH_ROUNDS', 3);
const SOAK_S = seconds('BENCH_SOAK_S', 60);
const E2E_S = 20;
const STEADY_RATE = 200;
const CONNECTIONS = [16, 64];
const FORWARD_COUNT = 10_000;
const WORKER_CONCURRENCY = 50;
/** Forwarding rounds: Hookyard's drain, then the no-storage baseline, in each. */
const FORWARD_ROUNDS = Math.max(1, seconds('BENCH_FORWARD_ROUNDS', 3));
/** Bounds that keep a slow run finite. */
const QUEUE_MAX_S = 90;
const DRAIN_MAX_S = 120;
const SCALE_SIZES = QUICK ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
const SCALE_MAX_REQUESTS = 200;
const SCALE_MAX_SECONDS = 3;

/** `hookyard_bench_<pid>`: the prefix of every database and Redis key of this run. */
const RUN_ID = `${PREFIX}${process.pid}`;

const report = {
  startedAt: new Date().toISOString(),
  durationSeconds: null,
  quick: QUICK,
  settings: {
    warmupSeconds: WARMUP_S,
    measureSeconds: MEASURE_S,
    rounds: ROUNDS,
    forwardRounds: FORWARD_ROUNDS,
    soakSeconds: SOAK_S,
  },
  machine: null,
  code: null,
  /** `runs`: every measurement, by round; `rows`: one per server, scenario and connections. */
  ingest: { bodyBytes: BODY_BYTES, runs: [], rows: [] },
  forwarding: null,
  endToEnd: null,
  memory: null,
  scale: null,
  /** Each phase's duration and the 1-minute load average when it began (the bench's own load included). */
  phases: [],
  notes: [],
};

const databases = [];
const services = new Set();
let serverMain;
let target;

// ---------------------------------------------------------------- processes

async function start(name, script, env) {
  log(`starting ${name}…`);
  const service = await startService({ name, script, env });
  services.add(service);
  return service;
}

async function stop(service) {
  services.delete(service);
  await service.stop();
}

async function newDatabase(phase) {
  const name = `${RUN_ID}_${phase}`;
  await createDatabase(name);
  databases.push(name);
  return name;
}

/** Production mode: its own database and Redis prefix, loopback destinations allowed. */
function productionEnv(database, role, extra = {}) {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl(database),
    REDIS_URL,
    HOOKYARD_REDIS_PREFIX: database,
    HOOKYARD_ADMIN_TOKEN: ADMIN_TOKEN,
    HOOKYARD_LOG_LEVEL: 'warn',
    HOOKYARD_ROLE: role,
    HOOKYARD_HOST: '127.0.0.1',
    HOOKYARD_ALLOW_PRIVATE_DESTINATIONS: 'true',
    ...extra,
  };
}

// ---------------------------------------------------------------- ingest

async function measureIngest(system, scenario, baseUrl, path, connections, round = 1) {
  const requests = () => [webhookRequest(path)];
  await runAutocannon({ url: baseUrl, connections, duration: WARMUP_S, requests: requests() });
  const result = await runAutocannon({
    url: baseUrl,
    connections,
    duration: MEASURE_S,
    requests: requests(),
  });
  log(
    `  ${system} ${scenario} c=${connections}: ${result.rps} req/s, p50 ${result.p50} ms, ` +
      `p99 ${result.p99} ms${result.errors ? `, ${result.errors} failed ${JSON.stringify(result.statuses)}` : ''}`,
  );
  report.ingest.runs.push({ system, scenario, round, ...result });
}

/**
 * Waits until the deliveries of what was ingested have all been made (the next measurement must
 * not share the machine with this one's backlog); a note says so if that takes over a minute.
 */
async function drained(db) {
  const done = await eventually(async () => (await openDeliveries(db)) === 0, {
    timeoutMs: 60_000,
    intervalMs: 100,
    what: 'the deliveries of the 1-connection ingest to be made',
  }).catch(() => false);
  if (!done) report.notes.push('Ingest: a 1-connection backlog was not delivered within 60 s.');
}

/**
 * The baselines and Hookyard (production, role all) side by side, each with its own database,
 * measured in turn: in every round, at each connection count, naive, limit, then Hookyard to a
 * source with no connection and to one with a connection (whose deliveries are then awaited).
 * The machine's pace drifts over minutes; interleaved, each round's ratios compare servers
 * measured within the same minute.
 */
async function ingestPhase() {
  const services = [];
  let db = null;
  try {
    const servers = [];
    for (const name of ['naive', 'limit']) {
      const database = await newDatabase(name);
      const service = await start(`${name} baseline`, join(benchDir, 'baselines', `${name}.mjs`), {
        DATABASE_URL: databaseUrl(database),
        GITHUB_SECRET: SECRET,
      });
      services.push(service);
      servers.push({ system: name, scenario: '–', service, path: '/in/bench' });
    }
    const database = await newDatabase('ingest');
    const hookyard = await start(
      'Hookyard (production, role all)',
      serverMain,
      productionEnv(database, 'all'),
    );
    services.push(hookyard);
    db = pool(database, 1);
    await setUpIngestSources(hookyard.url, target.url);
    servers.push(
      { system: 'hookyard', scenario: 'no connection', service: hookyard, path: '/in/plain' },
      { system: 'hookyard', scenario: '1 connection', service: hookyard, path: '/in/linked' },
    );
    for (let round = 1; round <= ROUNDS; round++) {
      log(`  round ${round} of ${ROUNDS}`);
      for (const c of CONNECTIONS) {
        for (const { system, scenario, service, path } of servers) {
          await measureIngest(system, scenario, service.url, path, c, round);
          if (path === '/in/linked') await drained(db);
        }
      }
    }
  } finally {
    await db?.end();
    for (const service of services) await stop(service);
  }
}

async function ingestScenarios(system, service) {
  await setUpIngestSources(service.url, target.url);
  for (const [scenario, path] of [
    ['no connection', '/in/plain'],
    ['1 connection', '/in/linked'],
  ]) {
    for (const c of CONNECTIONS) await measureIngest(system, scenario, service.url, path, c);
  }
}

async function standalonePhase() {
  const dataDir = mkdtempSync(join(tmpdir(), 'hookyard-bench-'));
  try {
    const service = await start('Hookyard (standalone, PGlite)', serverMain, {
      NODE_ENV: 'production',
      HOOKYARD_DATA_DIR: dataDir,
      HOOKYARD_ADMIN_TOKEN: ADMIN_TOKEN,
      HOOKYARD_LOG_LEVEL: 'warn',
      HOOKYARD_HOST: '127.0.0.1',
    });
    try {
      await ingestScenarios('standalone', service);
    } finally {
      await stop(service);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (values) => summarize(values).p50;

/**
 * One row per server, scenario and connection count: the median over the rounds of req/s and
 * latency, the failures summed; for Hookyard, the median of each round's ratio to the baseline
 * measured in that round, and every round's ratio.
 */
function summarizeIngest() {
  const runs = report.ingest.runs;
  const runOf = (system, connections, round) =>
    runs.find((r) => r.system === system && r.connections === connections && r.round === round);
  const rows = new Map();
  for (const run of runs) {
    const key = `${run.system}|${run.scenario}|${run.connections}`;
    if (!rows.has(key)) rows.set(key, []);
    rows.get(key).push(run);
  }
  report.ingest.rows = [...rows.values()].map((measured) => {
    const { system, scenario, connections } = measured[0];
    const row = {
      system,
      scenario,
      connections,
      rounds: measured.length,
      rps: round(median(measured.map((r) => r.rps)), 0),
      rpsByRound: measured.map((r) => r.rps),
      p50: round(median(measured.map((r) => r.p50)), 2),
      p99: round(median(measured.map((r) => r.p99)), 2),
      errors: measured.reduce((sum, r) => sum + r.errors, 0),
    };
    if (system === 'hookyard') {
      for (const [baseline, field] of [
        ['naive', 'vsNaive'],
        ['limit', 'vsLimit'],
      ]) {
        const ratios = measured
          .map((r) => [r.rps, runOf(baseline, connections, r.round)?.rps])
          .filter(([, b]) => b > 0)
          .map(([h, b]) => round(h / b, 2));
        row[field] = ratios.length > 0 ? round(median(ratios), 2) : null;
        row[`${field}ByRound`] = ratios;
      }
    }
    return row;
  });
  // Baselines first, then Hookyard production, then standalone; by scenario, then connections.
  const systems = ['naive', 'limit', 'hookyard', 'standalone'];
  const scenarios = ['–', 'no connection', '1 connection'];
  report.ingest.rows.sort(
    (a, b) =>
      systems.indexOf(a.system) - systems.indexOf(b.system) ||
      scenarios.indexOf(a.scenario) - scenarios.indexOf(b.scenario) ||
      a.connections - b.connections,
  );
}

// ---------------------------------------------------------------- forwarding, e2e, memory

async function openDeliveries(db) {
  const { rows } = await db.query(
    `SELECT count(*)::int AS n FROM deliveries WHERE status IN ('scheduled', 'delivering', 'failed')`,
  );
  return rows[0].n;
}

/**
 * Sends up to `count` accepted webhooks to `path` in chunks, for at most `maxSeconds`
 * (a slow server must not stall the run); returns how many were accepted.
 */
async function ingestUpTo(service, path, count, maxSeconds) {
  const started = preciseNow();
  let accepted = 0;
  while (accepted < count && preciseNow() - started < maxSeconds * 1000) {
    const r = await runAutocannon({
      url: service.url,
      connections: 64,
      amount: Math.min(2000, count - accepted),
      requests: [webhookRequest(path)],
    });
    accepted += r.ok;
  }
  return accepted;
}

/** Runs a forwarding baseline script of bench/baselines; resolves with its JSON line, if any. */
function runForwardBaseline(file, args, env) {
  return new Promise((resolve, reject) => {
    const child = track(
      spawn(process.execPath, [join(benchDir, 'baselines', file), ...args], {
        env: { ...process.env, COUNT: String(FORWARD_COUNT), ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.once('exit', (code) =>
      code === 0
        ? resolve(out.trim() ? JSON.parse(out) : null)
        : reject(new Error(`${file} exited with ${code}`)),
    );
  });
}

/**
 * The target's receipts as rates: seconds from the first to the last, deliveries per second
 * over them, and over the middle 80% of receipts (see `target-server.mjs`).
 */
function receiptRates(stats) {
  const steady = (stats.last - stats.first) / 1000;
  return {
    seconds: round(steady, 3),
    perSecond: round((stats.count - 1) / steady, 0),
    middlePerSecond: round(stats.middle, 0),
  };
}

/** CPU milliseconds per delivery, by process, from CPU seconds over `count` deliveries. */
function perDelivery(cpuSeconds, count) {
  if (!cpuSeconds || count === 0) return null;
  const ms = Object.fromEntries(
    Object.entries(cpuSeconds).map(([label, s]) => [label, round((s * 1000) / count, 3)]),
  );
  ms.total = round(Object.values(cpuSeconds).reduce((sum, s) => sum + s, 0) * (1000 / count), 3);
  return ms;
}

/** CPU used so far by PostgreSQL, Redis and the processes in `pids` ({ label: pid }). */
const forwardingCpu = (pids) => cpuTimes({ pids, names: ['postgres', 'redis-server'] });

/**
 * Runs a forwarding baseline (`run`: its script) and reads the target's receipts: rate, and CPU
 * per delivery of the sender, the target, Redis and PostgreSQL (as the script counted it, when
 * it did: its own backends have exited by the time it ends).
 */
async function measureForwardBaseline(label, run) {
  const before = forwardingCpu({ target: target.pid });
  const script = await run();
  const stats = await target.stats();
  const cpu = cpuSpent(before, forwardingCpu({ target: target.pid }));
  if (cpu) {
    cpu.sender = script.cpuSeconds;
    if (script.postgresCpuSeconds !== undefined) cpu.postgres = script.postgresCpuSeconds;
  }
  const result = {
    received: stats.count,
    failed: script.failed,
    ...receiptRates(stats),
    scriptSeconds: round(script.ms / 1000, 3),
    headerCount: stats.headerCount,
    cpuMsPerDelivery: perDelivery(cpu, stats.count),
  };
  log(`  ${label}: ${result.perSecond} deliveries/s (${result.seconds} s)`);
  return result;
}

/**
 * One forwarding round, in its own database: `FORWARD_COUNT` webhooks queued by an API-only
 * process, then drained by one worker process; then the no-storage baseline sends as many.
 */
async function forwardingRound(roundNumber) {
  const database = await newDatabase(`forward${roundNumber}`);
  const db = pool(database, 1);
  try {
    const offset = await target.clockOffset();
    // 1. Queue: an API-only process accepts the webhooks; nothing delivers them.
    const apiOnly = await start('Hookyard (role api)', serverMain, productionEnv(database, 'api'));
    try {
      await setUpIngestSources(apiOnly.url, target.url);
      await target.reset();
      log(`  round ${roundNumber}: queueing ${FORWARD_COUNT} deliveries…`);
      const accepted = await ingestUpTo(apiOnly, '/in/linked', FORWARD_COUNT, QUEUE_MAX_S);
      if (accepted < FORWARD_COUNT)
        report.notes.push(
          `Forwarding, round ${roundNumber}: only ${accepted} of ${FORWARD_COUNT} webhooks were accepted within ${QUEUE_MAX_S} s; the drain was measured on those.`,
        );
    } finally {
      await stop(apiOnly);
    }
    const queued = await openDeliveries(db);
    const early = (await target.stats()).count;
    log(`  ${queued} deliveries scheduled, ${early} delivered while no worker ran`);

    // 2. Drain: one worker process.
    await target.reset({ keepTimes: true });
    const spawnedAt = preciseNow();
    const worker = await start(
      `Hookyard (role worker, concurrency ${WORKER_CONCURRENCY})`,
      serverMain,
      productionEnv(database, 'worker', {
        HOOKYARD_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
      }),
    );
    const cpuBefore = forwardingCpu({ worker: worker.pid, target: target.pid });
    let hookyard;
    try {
      const drained = await eventually(async () => (await target.stats()).count >= queued, {
        timeoutMs: DRAIN_MAX_S * 1000,
        intervalMs: 50,
        what: `the target to receive ${queued} deliveries`,
      }).catch(() => false);
      const stats = await target.stats();
      const cpu = cpuSpent(cpuBefore, forwardingCpu({ worker: worker.pid, target: target.pid }));
      let dbDoneAt = null;
      if (drained) {
        dbDoneAt = await eventually(
          async () => ((await openDeliveries(db)) === 0 ? preciseNow() : null),
          { timeoutMs: 30_000, intervalMs: 100, what: 'no scheduled deliveries in the database' },
        ).catch(() => null);
      } else {
        report.notes.push(
          `Forwarding, round ${roundNumber}: the worker delivered ${stats.count} of ${queued} in ${DRAIN_MAX_S} s (not drained); its rate is over those.`,
        );
      }
      hookyard = {
        received: stats.count,
        duplicates: stats.duplicates,
        ...receiptRates(stats),
        fromStartSeconds: round((stats.last - offset - spawnedAt) / 1000, 3),
        dbDoneSeconds: dbDoneAt === null ? null : round((dbDoneAt - spawnedAt) / 1000, 3),
        headerCount: stats.headerCount,
        cpuMsPerDelivery: perDelivery(cpu, stats.count),
      };
      log(
        `  Hookyard worker: ${hookyard.perSecond} deliveries/s (${hookyard.seconds} s first→last; ` +
          `${hookyard.fromStartSeconds} s from spawn; all succeeded in DB at ${hookyard.dbDoneSeconds} s)`,
      );
    } finally {
      await stop(worker);
    }

    // 3. Baseline: the same requests, same client and concurrency, nothing stored.
    await target.reset({ keepTimes: true });
    const baseline = await measureForwardBaseline('baseline', () =>
      runForwardBaseline('forward.mjs', [], sendTarget()),
    );
    return {
      hookyard,
      baseline,
      ratio: round(hookyard.perSecond / baseline.perSecond, 2),
      middleRatio: round(hookyard.middlePerSecond / baseline.middlePerSecond, 2),
    };
  } finally {
    await db.end();
  }
}

const sendTarget = () => ({ TARGET_URL: target.url, CONCURRENCY: String(WORKER_CONCURRENCY) });

/**
 * `FORWARD_ROUNDS` rounds of Hookyard's drain and the no-storage baseline, each pair measured
 * back to back, so a slow minute of the machine falls on both; the round with the median ratio
 * is reported, with every round's. Then the naive durable forwarder, once: it takes longest,
 * and its ratio is far from any target.
 */
async function forwardingPhase() {
  const rounds = [];
  for (let n = 1; n <= FORWARD_ROUNDS; n++) rounds.push(await forwardingRound(n));
  const byRatio = [...rounds].sort((a, b) => a.ratio - b.ratio);
  const { hookyard, baseline, ratio, middleRatio } = byRatio[Math.floor((byRatio.length - 1) / 2)];

  // The naive durable forwarder: a queue in PostgreSQL, one delivery claimed, sent and recorded
  // at a time by each of as many loops (its own database, tables shaped like Hookyard's).
  const naiveDatabase = { DATABASE_URL: databaseUrl(await newDatabase('forward_naive')) };
  await runForwardBaseline('forward-naive.mjs', ['seed'], naiveDatabase);
  await target.reset({ keepTimes: true });
  const naive = await measureForwardBaseline('naive durable forwarder', () =>
    runForwardBaseline('forward-naive.mjs', [], { ...naiveDatabase, ...sendTarget() }),
  );
  report.forwarding = {
    count: FORWARD_COUNT,
    concurrency: WORKER_CONCURRENCY,
    hookyard,
    baseline,
    naive,
    ratio,
    middleRatio,
    ratioNaive: round(hookyard.perSecond / naive.perSecond, 2),
    middleRatioNaive: round(hookyard.middlePerSecond / naive.middlePerSecond, 2),
    rounds: rounds.map((r) => ({
      hookyard: r.hookyard.perSecond,
      baseline: r.baseline.perSecond,
      ratio: r.ratio,
      middleRatio: r.middleRatio,
    })),
  };
}

/** 200 req/s for SOAK_S seconds to a source connected to the target: end-to-end latency and memory. */
async function steadyLoadPhase() {
  const database = await newDatabase('steady');
  const heap = heapProbeFor(runDir);
  const service = await start(
    'Hookyard (production, role all)',
    serverMain,
    productionEnv(database, 'all', heap.env),
  );
  try {
    await setUpIngestSources(service.url, target.url);
    const offset = await target.clockOffset();
    await target.reset({ track: true });
    const answered = new Map();
    const onResponse = (status, body) => {
      if (status !== 202) return;
      const at = preciseNow();
      try {
        answered.set(JSON.parse(body).id, at);
      } catch {
        // not JSON: counted as not received
      }
    };
    // Enough connections to hold the rate while answers take up to ~150 ms.
    const connections = 32;
    const steady = (duration, record) =>
      runPaced({
        url: service.url,
        connections,
        duration,
        rate: STEADY_RATE,
        request: pacedWebhook('/in/linked'),
        onResponse: record,
      });
    log(`  warming up (${WARMUP_S} s at ${STEADY_RATE} req/s)…`);
    await steady(WARMUP_S);
    const heapBefore = await heap.read();
    const startedAt = preciseNow();
    const samples = [];
    const sample = () => {
      const rss = rssMiB(service.pid);
      if (rss !== null) samples.push([round((preciseNow() - startedAt) / 1000, 2), round(rss, 1)]);
    };
    sample();
    const sampler = setInterval(sample, 1000);
    log(`  ${STEADY_RATE} req/s for ${SOAK_S} s…`);
    let load;
    try {
      load = await steady(SOAK_S, onResponse);
    } finally {
      clearInterval(sampler);
      sample();
    }
    const allArrived = async () => {
      const receipts = await target.receipts();
      return [...answered.keys()].every((id) => receipts.has(id));
    };
    await eventually(allArrived, {
      timeoutMs: 30_000,
      intervalMs: 500,
      what: 'the last deliveries',
    }).catch(() =>
      report.notes.push('End to end: some deliveries had not arrived 30 s after the run.'),
    );
    const receipts = await target.receipts();
    const heapAfter = await heap.read();

    /** Events answered between `from` and `to` seconds into the run. */
    const windowOf = (label, from, to) => {
      const latencies = [];
      let missing = 0;
      for (const [id, at] of answered) {
        const t = (at - startedAt) / 1000;
        if (t < from || t >= to) continue;
        const received = receipts.get(id);
        if (received === undefined) missing += 1;
        else latencies.push(received - offset - at);
      }
      const s = summarize(latencies);
      return {
        label,
        from,
        to,
        rate: round((s.n + missing) / (Math.min(to, load.seconds) - from), 0),
        n: s.n,
        missing,
        p50: round(s.p50, 2),
        p99: round(s.p99, 2),
        max: round(s.max, 2),
      };
    };
    const windows = [
      windowOf(`first ${E2E_S} s`, 0, E2E_S),
      windowOf(`last ${E2E_S} s`, SOAK_S - E2E_S, SOAK_S),
      windowOf(`all ${SOAK_S} s`, 0, SOAK_S),
    ];
    const bySlice = [];
    for (let from = 0; from < SOAK_S; from += 10)
      bySlice.push(windowOf(`${from}–${from + 10} s`, from, from + 10));
    report.endToEnd = {
      rate: STEADY_RATE,
      connections,
      clockOffsetMs: round(offset, 3),
      ingest: { rps: load.rps, p50: load.p50, p99: load.p99, failed: load.errors },
      windows,
      bySlice,
    };
    log(`  end to end (${windows[0].label}): p50 ${windows[0].p50} ms, p99 ${windows[0].p99} ms`);
    const rss = samples.map(([, v]) => v);
    report.memory = {
      rate: STEADY_RATE,
      seconds: SOAK_S,
      startMiB: rss[0],
      maxMiB: Math.max(...rss),
      endMiB: rss.at(-1),
      slopeMiBPerMinute: round((slope(samples) ?? 0) * 60, 2),
      samples,
      afterFullGc: heapBefore && heapAfter ? { before: heapBefore, after: heapAfter } : null,
    };
    log(
      `  RSS ${report.memory.startMiB} → ${report.memory.endMiB} MiB (max ${report.memory.maxMiB}, ` +
        `${report.memory.slopeMiBPerMinute} MiB/min)`,
    );
  } finally {
    await stop(service);
  }
}

// ---------------------------------------------------------------- scale

async function scalePhase() {
  const database = await newDatabase('scale');
  const service = await start('Hookyard (role api) for scale', serverMain, {
    ...productionEnv(database, 'api'),
  });
  const lanes = Math.max(1, Math.min(availableParallelism(), 4));
  const db = pool(database, lanes);
  const scale = {
    sourceCount: 4,
    maxRequests: SCALE_MAX_REQUESTS,
    maxSeconds: SCALE_MAX_SECONDS,
    searchTerm: SEARCH_TERM,
    sizes: [],
  };
  report.scale = scale;
  try {
    const client = api(service.url);
    const sources = [];
    for (let i = 1; i <= scale.sourceCount; i++)
      sources.push(await client.createGithubSource(`repo-${i}`));
    const destination = await client.createDestination('Bench CI', target.url);
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    let stored = 0;
    for (const size of SCALE_SIZES) {
      const label = size >= 1_000_000 ? `${size / 1_000_000}M` : `${size / 1000}k`;
      log(`  generating events up to ${label}…`);
      const t0 = preciseNow();
      await addEvents(db, {
        from: stored + 1,
        to: size,
        sourceIds: sources.map((s) => s.id),
        destinationId: destination.id,
        destinationUrl: destination.url,
      });
      const generateSeconds = round((preciseNow() - t0) / 1000, 1);
      stored = size;
      const { rows } = await db.query('SELECT count(*)::int AS n FROM events');
      log(`  ${rows[0].n} events stored (${generateSeconds} s); measuring…`);

      const until = new Date(Date.now() - 27 * 86_400_000).toISOString();
      const old = await client.get(`/events?limit=50&until=${encodeURIComponent(until)}`);
      const endpoints = [
        ['events, first page', '/api/v1/events?limit=50'],
        ['events, deep page', `/api/v1/events?limit=50&cursor=${old.nextCursor}`],
        ['events, one source', `/api/v1/events?limit=50&sourceId=${sources[1].id}`],
        ['events, text search', `/api/v1/events?limit=50&q=${encodeURIComponent(SEARCH_TERM)}`],
        ['stats, 24 h', '/api/v1/stats?range=24h'],
        ['stats, 7 d', '/api/v1/stats?range=7d'],
        ['stats, 30 d', '/api/v1/stats?range=30d'],
      ];
      const measured = [];
      for (const [name, path] of endpoints) {
        const result = await sequentialLatency(`${service.url}${path}`, auth, {
          maxRequests: SCALE_MAX_REQUESTS,
          maxMs: SCALE_MAX_SECONDS * 1000,
        });
        measured.push({ name, path, ...result });
        log(`    ${label} ${name}: p50 ${result.p50} ms, p95 ${result.p95} ms (n=${result.n})`);
      }
      scale.sizes.push({
        label,
        events: size,
        counted: rows[0].n,
        generateSeconds,
        endpoints: measured,
      });
    }
  } finally {
    await db.end();
    await stop(service);
  }
}

// ---------------------------------------------------------------- the run

function describeMachine(versions) {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    ramGiB: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    os: `${type()} ${release()}`,
    postgres: versions.postgres,
    redis: versions.redis,
    loadAverageStart: round(loadavg()[0], 2),
    loadAverageEnd: null,
  };
}

function describeCode() {
  const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  let commit = 'unknown';
  let changedFiles = null;
  try {
    commit = git('rev-parse', '--short', 'HEAD');
    changedFiles = git('status', '--porcelain', '--', 'apps', 'libs')
      .split('\n')
      .filter(Boolean).length;
  } catch {
    // not a git checkout
  }
  return { commit, changedFiles };
}

/** [key, title, run]; `BENCH_ONLY=forwarding,scale` runs only those. */
const phases = [
  ['ingest', `ingest: naive, limit and Hookyard production, ${ROUNDS} rounds`, ingestPhase],
  ['forwarding', 'forwarding', forwardingPhase],
  ['steady', `end to end and memory (${STEADY_RATE} req/s for ${SOAK_S} s)`, steadyLoadPhase],
  ['standalone', 'Hookyard standalone ingest', standalonePhase],
  [
    'scale',
    `scale (${SCALE_SIZES.map((n) => n.toLocaleString('en-US')).join(' / ')} events)`,
    scalePhase,
  ],
].filter(([key]) => !process.env.BENCH_ONLY || process.env.BENCH_ONLY.split(',').includes(key));
if (phases.length === 0) {
  console.error(`BENCH_ONLY=${process.env.BENCH_ONLY} names no phase; results left as they were`);
  process.exit(2);
}

let cleaning = null;
function cleanUp() {
  cleaning ??= (async () => {
    for (const service of services)
      await service.stop().catch((e) => log(`stop ${service.name}: ${e}`));
    target?.stop();
    if (databases.length > 0) await dropDatabases(databases).catch((e) => log(`drop: ${e}`));
    await clearRedisKeys(`${RUN_ID}_`).catch((e) => log(`redis: ${e}`));
    rmSync(runDir, { recursive: true, force: true });
    // The folder of runs, once no run is using it.
    if (readdirSync(dirname(runDir)).length === 0) rmSync(dirname(runDir), { recursive: true });
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: cleaning up…`);
    void cleanUp().finally(() => process.exit(130));
  });
}

async function main() {
  const stale = await dropLeftovers();
  for (const name of stale) await clearRedisKeys(name).catch((e) => log(`redis: ${e}`));
  if (stale.length > 0) log(`dropped ${stale.length} database(s) left by earlier runs`);
  report.machine = describeMachine(await serverVersions());
  const snapshot = snapshotServer(root, runDir);
  serverMain = snapshot.main;
  report.code = { ...describeCode(), builtAt: snapshot.builtAt };
  log(
    `${report.machine.cpu}, ${report.machine.cores} cores, Node ${report.machine.node}, ` +
      `PostgreSQL ${report.machine.postgres.version}; load average ${report.machine.loadAverageStart}`,
  );
  target = await startTarget();
  let failed = 0;
  for (const [key, name, phase] of phases) {
    log(`== ${name}`);
    const started = elapsedSeconds();
    const entry = { phase: key, loadAverage: round(loadavg()[0], 2) };
    report.phases.push(entry);
    try {
      await phase();
      entry.seconds = round(elapsedSeconds() - started, 1);
    } catch (error) {
      failed += 1;
      log(`!! ${name} failed: ${error.stack ?? error}`);
      report.notes.push(`${name} could not be measured: ${String(error.message).split('\n')[0]}`);
    }
  }
  return failed;
}

let failed;
try {
  failed = await main();
} catch (error) {
  log(`!! ${error.stack ?? error}`);
} finally {
  await cleanUp();
}
if (failed === undefined) process.exit(1);
summarizeIngest();
report.machine.loadAverageEnd = round(loadavg()[0], 2);
if (report.machine.loadAverageStart > report.machine.cores / 2)
  report.notes.push(
    `The 1-minute load average was ${report.machine.loadAverageStart} on ${report.machine.cores} cores ` +
      `before the run started: other processes were competing for the CPU, so these numbers are ` +
      `pessimistic and noisy.`,
  );
report.durationSeconds = round(elapsedSeconds(), 1);
const markdown = await writeReport(join(benchDir, 'results'), report);
console.log(`\n${markdown}`);
log(`wrote bench/results/latest.json and latest.md (${report.durationSeconds} s)`);
process.exit(failed > 0 ? 1 : 0);
