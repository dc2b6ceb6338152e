// Writes bench/results/latest.json (everything measured) and latest.md (the tables).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';

const fmt = (value, digits = 1) =>
  value === null || value === undefined
    ? '–'
    : Number(value).toLocaleString('en-US', {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
const int = (value) => fmt(value, 0);
const ratio = (value) => (value === null || value === undefined ? '' : `${value.toFixed(2)}×`);

function table(head, rows) {
  const align = head.map((h) => (h.startsWith('<') ? '---' : '---:'));
  const names = head.map((h) => h.replace(/^</, ''));
  return [
    `| ${names.join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function machineSection(r) {
  const m = r.machine;
  const pg = m.postgres;
  return [
    `Run ${r.startedAt}, ${fmt(r.durationSeconds / 60, 1)} min${r.quick ? ' (BENCH_QUICK=1: no 1M step)' : ''}. ` +
      `Hookyard ${r.code.commit}${r.code.changedFiles ? ` + ${r.code.changedFiles} uncommitted file(s) under apps/ libs/` : ''}, ` +
      `server build of ${r.code.builtAt}.`,
    '',
    `Phases (s): ${r.phases.map((p) => `${p.phase} ${p.seconds ?? 'failed'}`).join(', ')}.`,
    '',
    table(
      ['<CPU', 'cores', 'RAM', '<Node', '<PostgreSQL', '<Redis', '<OS', 'load avg start → end'],
      [
        [
          m.cpu,
          m.cores,
          `${fmt(m.ramGiB)} GiB`,
          m.node,
          `${pg.version} (fsync ${pg.fsync}, synchronous_commit ${pg.synchronous_commit}, shared_buffers ${pg.shared_buffers})`,
          m.redis,
          m.os,
          `${fmt(m.loadAverageStart, 2)} → ${fmt(m.loadAverageEnd, 2)}`,
        ],
      ],
    ),
  ];
}

const SYSTEM_NAMES = {
  naive: 'naive baseline (node:http, 1 INSERT per request)',
  limit: 'limit baseline (node:http, group-commit INSERT)',
  hookyard: 'Hookyard production (PostgreSQL + Redis, role all)',
  standalone: 'Hookyard standalone (PGlite, in-process delivery)',
};

/** Each round's values, in order: "1.52 / 1.61 / 1.48". */
const byRound = (values, format) => (values?.length > 1 ? values.map(format).join(' / ') : '');

function ingestSection(r) {
  const s = r.settings;
  if (r.ingest.rows.length === 0) return [];
  const rounds = s.rounds ?? 1;
  return [
    `## Ingest`,
    '',
    `POST of a ${r.ingest.bodyBytes}-byte JSON body with a valid \`X-Hub-Signature-256\` and a unique ` +
      `\`X-GitHub-Delivery\`; ${s.warmupSeconds} s warm-up, then ${s.measureSeconds} s measured per row. ` +
      `The baselines and Hookyard production are measured in turn, ${rounds} round${rounds > 1 ? 's' : ''}: ` +
      `each round measures every one of them at 16, then at 64 connections, so a slow minute of the ` +
      `machine falls on all of them. req/s and latency (ms) count 2xx answers only, the median of the ` +
      `rounds; "failed": other answers and socket errors, over all rounds. "vs" columns: Hookyard ` +
      `req/s ÷ the baseline's req/s at the same connections in the same round, the median of the ` +
      `rounds (each round's in the last column: vs naive, vs limit).`,
    '',
    table(
      [
        '<server',
        '<source',
        'connections',
        'req/s',
        'p50 ms',
        'p99 ms',
        'failed',
        'vs naive',
        'vs limit',
        '<req/s by round',
        '<vs naive, vs limit by round',
      ],
      r.ingest.rows.map((row) => [
        SYSTEM_NAMES[row.system],
        row.scenario,
        row.connections,
        int(row.rps),
        fmt(row.p50, 2),
        fmt(row.p99, 2),
        int(row.errors),
        ratio(row.vsNaive),
        ratio(row.vsLimit),
        byRound(row.rpsByRound, int),
        row.vsNaiveByRound?.length > 1
          ? `${byRound(row.vsNaiveByRound, ratio)}; ${byRound(row.vsLimitByRound, ratio)}`
          : '',
      ]),
    ),
  ];
}

/** A bold row of the forwarding table: a ratio by the whole drain and by its middle 80%. */
const ratioRow = (label, whole, middle) => [
  `**${label}**`,
  `**${ratio(whole)}**`,
  `**${ratio(middle)}**`,
  '',
  '',
  '',
  '',
];

function forwardingSection(f, cores) {
  if (!f) return [];
  const h = f.hookyard;
  const b = f.baseline;
  const n = f.naive;
  return [
    `## Forwarding`,
    '',
    `${int(f.count)} deliveries queued with no worker running (role api), then one worker process ` +
      `(role worker, concurrency ${f.concurrency}) started; the target answers 200 at once. ` +
      `Rates from the target's first to last receipt, and over the middle 80% of receipts (from ` +
      `the 10th to the 90th percentile: past the sender's warm-up, before its tail); "from start" ` +
      `counts from the worker's spawn. ` +
      `Two baselines send the same requests with the same HTTP client and concurrency: one stores ` +
      `nothing; the naive durable forwarder keeps the deliveries in PostgreSQL, in tables shaped ` +
      `like Hookyard's, and per delivery claims the oldest due one (\`FOR UPDATE SKIP LOCKED\`) ` +
      `with its event in one statement, sends it, and records the attempt and the delivery's state ` +
      `in another.` +
      (f.rounds?.length > 1
        ? ` Hookyard's drain and the no-storage baseline are measured back to back in each of ` +
          `${f.rounds.length} rounds (a new database each), so a slow minute of the machine falls ` +
          `on both; the table shows the round whose Hookyard / baseline ratio is the median, and ` +
          `below it every round. The naive durable forwarder runs once, after the rounds.`
        : ''),
    '',
    table(
      [
        '<sender',
        'deliveries/s',
        'middle 80% /s',
        'seconds',
        'from start s',
        'all succeeded in DB s',
        'headers per request',
      ],
      [
        [
          'Hookyard worker',
          int(h.perSecond),
          int(h.middlePerSecond),
          fmt(h.seconds, 2),
          fmt(h.fromStartSeconds, 2),
          fmt(h.dbDoneSeconds, 2),
          h.headerCount,
        ],
        [
          'baseline (undici request, nothing stored)',
          int(b.perSecond),
          int(b.middlePerSecond),
          fmt(b.seconds, 2),
          '',
          '',
          b.headerCount,
        ],
        ...(n
          ? [
              [
                'naive durable forwarder (a PostgreSQL queue, one delivery at a time per loop)',
                int(n.perSecond),
                int(n.middlePerSecond),
                fmt(n.seconds, 2),
                '',
                '',
                n.headerCount,
              ],
            ]
          : []),
        ratioRow('Hookyard / baseline', f.ratio, f.middleRatio),
        ...(n ? [ratioRow('Hookyard / naive durable', f.ratioNaive, f.middleRatioNaive)] : []),
      ],
    ),
    ...(f.rounds?.length > 1
      ? [
          '',
          `By round, Hookyard / baseline deliveries/s: ` +
            f.rounds
              .map(
                (r) =>
                  `${int(r.hookyard)} / ${int(r.baseline)} = ${ratio(r.ratio)}` +
                  (r.middleRatio != null ? ` (middle 80%: ${ratio(r.middleRatio)})` : ''),
              )
              .join('; ') +
            '.',
        ]
      : []),
    ...cpuTable(h.cpuMsPerDelivery, b.cpuMsPerDelivery, n?.cpuMsPerDelivery, cores),
  ];
}

/** Where the CPU went, per delivery: the senders, the target, PostgreSQL and Redis. */
function cpuTable(hookyard, baseline, naive, cores) {
  if (!hookyard || !baseline) return [];
  const ms = (value) => (value === undefined ? '' : fmt(value, 3));
  const columns = [hookyard, baseline, ...(naive ? [naive] : [])];
  const row = (label, pick) => [label, ...columns.map((c) => pick(c))];
  return [
    '',
    `CPU time per delivery (user + system, from /proc), in ms: with ${cores} cores, a total of ` +
      `t ms per delivery allows at most ${cores * 1000} / t deliveries/s.`,
    '',
    table(
      ['<process', 'Hookyard', 'baseline', ...(naive ? ['naive durable'] : [])],
      [
        row('worker / sender', (c) => ms(c === hookyard ? c.worker : c.sender)),
        row('target', (c) => ms(c.target)),
        row('PostgreSQL', (c) => ms(c.postgres)),
        row('Redis', (c) => ms(c['redis-server'])),
        row('**total**', (c) => `**${ms(c.total)}**`),
      ],
    ),
    ...storageBound(hookyard, baseline),
  ];
}

/**
 * What storage alone costs, against the baseline: with every process sharing the same cores,
 * rates go as the inverse of total CPU per delivery, so a worker that cost no more than the
 * bare sender would still add PostgreSQL's and Redis's share to the baseline's total.
 */
function storageBound(hookyard, baseline) {
  const storage = (hookyard.postgres ?? 0) + (hookyard['redis-server'] ?? 0);
  if (!(storage > 0) || !(baseline.total > 0)) return [];
  const bound = baseline.total / (baseline.total + storage);
  return [
    '',
    `PostgreSQL and Redis spent ${fmt(storage, 3)} ms per Hookyard delivery: ` +
      `${fmt(storage / baseline.total, 2)}× the baseline's whole cost per delivery. Even a worker ` +
      `that cost no more than the bare sender would reach at most ` +
      `${fmt(baseline.total, 3)} / (${fmt(baseline.total, 3)} + ${fmt(storage, 3)}) = ` +
      `${ratio(Math.floor(bound * 100) / 100)} the baseline's rate on these cores.`,
  ];
}

function endToEndSection(e) {
  if (!e) return [];
  return [
    `## End to end`,
    '',
    `Steady ${e.rate} req/s (evenly spaced: one request every ${Number((1000 / e.rate).toFixed(1))} ms over ${e.connections} keep-alive connections, after a warm-up) to a ` +
      `source connected to the target, on a freshly started Hookyard (role all). Latency from the ingest 2xx ` +
      `reaching the sender to the target receiving the forwarded request, matched by \`X-Hookyard-Event-Id\` ` +
      `(clocks aligned by IPC ping, offset ${fmt(e.clockOffsetMs, 3)} ms). Ingest meanwhile: ` +
      `${int(e.ingest.rps)} req/s, p50 ${fmt(e.ingest.p50, 2)} ms, p99 ${fmt(e.ingest.p99, 2)} ms. ` +
      `Per 10 s (p50 ms): ${e.bySlice.map((w) => int(w.p50)).join(' → ')}.`,
    '',
    table(
      ['<window', 'sent/s', 'events', 'p50 ms', 'p99 ms', 'max ms', 'not received'],
      e.windows.map((w) => [
        w.label,
        int(w.rate),
        int(w.n),
        fmt(w.p50, 2),
        fmt(w.p99, 2),
        fmt(w.max, 2),
        int(w.missing),
      ]),
    ),
  ];
}

function scaleSection(s) {
  if (!s || s.sizes.length === 0) return [];
  const names = s.sizes[0].endpoints.map((e) => e.name);
  const head = ['<request'];
  for (const size of s.sizes) head.push(`${size.label} p50`, `${size.label} p95`);
  return [
    `## Scale`,
    '',
    `Events generated in PostgreSQL over 30 days and ${s.sourceCount} sources (see bench/README.md); ` +
      `then sequential GETs, up to ${s.maxRequests} per request or ${s.maxSeconds} s (n below), ms.`,
    '',
    table(
      head,
      names.map((name, i) => [
        `${name} \`${s.sizes.at(-1).endpoints[i].path.replace(/(cursor|sourceId)=[^&]+/, '$1=…')}\``,
        ...s.sizes.flatMap((size) => {
          const e = size.endpoints[i];
          return [fmt(e.p50, 1), `${fmt(e.p95, 1)}${e.n < s.maxRequests ? ` (n=${e.n})` : ''}`];
        }),
      ]),
    ),
    '',
    `Generated: ${s.sizes.map((size) => `${size.label} in ${fmt(size.generateSeconds)} s`).join(', ')} ` +
      `(cumulative; events counted after each step: ${s.sizes.map((size) => int(size.counted)).join(', ')}).`,
  ];
}

function memorySection(m) {
  if (!m) return [];
  return [
    `## Memory`,
    '',
    `RSS of the Hookyard process (role all) sampled every second over the ${m.seconds} s of the steady ` +
      `${m.rate} req/s run above (/proc/<pid>/status VmRSS).`,
    '',
    table(
      ['start MiB', 'max MiB', 'end MiB', 'slope MiB/min', 'samples'],
      [
        [
          fmt(m.startMiB),
          fmt(m.maxMiB),
          fmt(m.endMiB),
          fmt(m.slopeMiBPerMinute, 2),
          m.samples.length,
        ],
      ],
    ),
    ...(m.afterFullGc
      ? [
          '',
          'Live memory: after a full garbage collection (`heap-probe.cjs`), once after the ' +
            'warm-up and once after the last delivery of the run. This is what the process holds ' +
            'on to; RSS also counts garbage that the collector has not reclaimed yet.',
          '',
          table(
            ['', 'heap used MiB', 'RSS MiB'],
            [
              ['before', fmt(m.afterFullGc.before.heapUsedMiB), fmt(m.afterFullGc.before.rssMiB)],
              ['after', fmt(m.afterFullGc.after.heapUsedMiB), fmt(m.afterFullGc.after.rssMiB)],
            ],
          ),
        ]
      : []),
  ];
}

export function renderMarkdown(r) {
  const sections = [
    ['# Hookyard benchmarks', '', ...machineSection(r)],
    ingestSection(r),
    forwardingSection(r.forwarding, r.machine?.cores),
    endToEndSection(r.endToEnd),
    memorySection(r.memory),
    scaleSection(r.scale),
  ];
  if (r.notes.length > 0) sections.push(['## Notes', '', ...r.notes.map((n) => `- ${n}`)]);
  return `${sections
    .filter((s) => s.length > 0)
    .map((s) => s.join('\n'))
    .join('\n\n')}\n`;
}

/** Written as the repository's Prettier would write them, so that `prettier --check` passes. */
async function writeFormatted(file, text) {
  const options = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(file, await prettier.format(text, { ...options, filepath: file }));
}

export async function writeReport(dir, report) {
  mkdirSync(dir, { recursive: true });
  await writeFormatted(join(dir, 'latest.json'), JSON.stringify(report, null, 2));
  const markdown = renderMarkdown(report);
  await writeFormatted(join(dir, 'latest.md'), markdown);
  return markdown;
}
