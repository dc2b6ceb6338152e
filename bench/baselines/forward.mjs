// Baseline for forwarding: the same requests Hookyard's worker sends (same body, same
// headers, same HTTP client: undici `request` on an Agent configured as in
// apps/server/src/modules/deliveries/http-sender.ts), at the same concurrency, storing
// nothing. Prints one JSON line: { count, failed, ms, perSecond, cpuSeconds }.
//   TARGET_URL=http://127.0.0.1:9000/hook COUNT=10000 CONCURRENCY=50 node bench/baselines/forward.mjs
import { performance } from 'node:perf_hooks';
import { BODY, forwardedHeaders } from '../lib/webhook.mjs';
import { send, senderAgent } from './sender.mjs';

const target = process.env.TARGET_URL;
const count = Number(process.env.COUNT ?? 10_000);
const concurrency = Number(process.env.CONCURRENCY ?? 50);
if (!target) {
  console.error('Set TARGET_URL (and COUNT, CONCURRENCY)');
  process.exit(2);
}

const agent = senderAgent();

let next = 0;
let failed = 0;

async function sendOne() {
  const response = await send(agent, target, {
    method: 'POST',
    headers: forwardedHeaders(),
    body: BODY,
  });
  await response.body.arrayBuffer();
  if (response.statusCode < 200 || response.statusCode > 299) failed += 1;
}

async function worker() {
  while (next < count) {
    next += 1;
    await sendOne().catch(() => {
      failed += 1;
    });
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, worker));
const ms = performance.now() - started;
await agent.close();
const { user, system } = process.cpuUsage();
console.log(
  JSON.stringify({
    count,
    failed,
    ms,
    perSecond: (count / ms) * 1000,
    cpuSeconds: (user + system) / 1e6,
  }),
);
