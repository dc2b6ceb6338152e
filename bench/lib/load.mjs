// Load generation: autocannon (programmatic) for HTTP load, and a sequential loop for
// per-request API latency.
import autocannon from 'autocannon';
import { Agent, Pool, request } from 'undici';
import { preciseNow } from './progress.mjs';
import { round, summarize } from './stats.mjs';

/**
 * One autocannon run. Latencies are collected from each response (milliseconds with
 * decimals; autocannon's own histogram keeps whole milliseconds), 2xx only.
 */
export async function runAutocannon({ url, connections, duration, amount, overallRate, requests }) {
  const latencies = [];
  const statuses = {};
  const instance = autocannon({
    url,
    connections,
    ...(amount ? { amount } : { duration }),
    ...(overallRate && { overallRate }),
    requests,
    timeout: 30,
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
  const result = await instance;
  const ok = latencies.length;
  const latency = summarize(latencies);
  return {
    connections,
    seconds: result.duration,
    ok,
    errors: result.errors + result.timeouts + (result.non2xx ?? 0),
    statuses,
    rps: round(ok / result.duration, 0),
    p50: round(latency.p50, 2),
    p99: round(latency.p99, 2),
  };
}

/**
 * `GET` requests one after another, after `warmup` unmeasured ones: up to `maxRequests`,
 * or fewer (but at least `minRequests`) when `maxMs` is spent.
 */
export async function sequentialLatency(
  url,
  headers,
  { maxRequests = 200, maxMs = 5000, minRequests = 3, warmup = 2 } = {},
) {
  const dispatcher = new Agent({ connections: 1 });
  const times = [];
  try {
    for (let i = 0; i < warmup; i++)
      await (await request(url, { headers, dispatcher })).body.text();
    const started = preciseNow();
    while (
      times.length < maxRequests &&
      (times.length < minRequests || preciseNow() - started < maxMs)
    ) {
      const t0 = preciseNow();
      const res = await request(url, { headers, dispatcher });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode}`);
      times.push(preciseNow() - t0);
    }
  } finally {
    await dispatcher.close();
  }
  const s = summarize(times);
  return { n: s.n, p50: round(s.p50, 2), p95: round(s.p95, 2), max: round(s.max, 2) };
}

/**
 * A steady rate: request k leaves at start + k / rate (never in bursts, unlike autocannon's
 * `overallRate`, which spends each second's budget at the start of the second), over a pool
 * of `connections` keep-alive connections. Falls behind only if every connection is busy.
 * `request()` gives each request's `{ method, path, headers, body }`; `onResponse(status, body)`
 * sees each answer. Returns what `runAutocannon` returns.
 */
export async function runPaced({ url, connections, duration, rate, request: next, onResponse }) {
  const pool = new Pool(url, { connections, pipelining: 1 });
  const latencies = [];
  const statuses = {};
  let errors = 0;
  const inFlight = new Set();
  const started = preciseNow();
  const total = Math.floor(duration * rate);
  try {
    for (let k = 0; k < total; k++) {
      const due = started + (k * 1000) / rate;
      const wait = due - preciseNow();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const sent = preciseNow();
      const one = pool
        .request(next())
        .then(async (res) => {
          const body = await res.body.text();
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          if (res.statusCode >= 200 && res.statusCode < 300) latencies.push(preciseNow() - sent);
          else errors += 1;
          onResponse?.(res.statusCode, body);
        })
        .catch(() => {
          errors += 1;
        })
        .finally(() => inFlight.delete(one));
      inFlight.add(one);
    }
    await Promise.all(inFlight);
  } finally {
    await pool.close();
  }
  const seconds = (preciseNow() - started) / 1000;
  const latency = summarize(latencies);
  return {
    connections,
    seconds: round(seconds, 2),
    ok: latencies.length,
    errors,
    statuses,
    rps: round(latencies.length / seconds, 0),
    p50: round(latency.p50, 2),
    p99: round(latency.p99, 2),
  };
}
