// Progress on screen: every line carries the time since the run started.
import { performance } from 'node:perf_hooks';

const started = performance.now();

export function elapsedSeconds() {
  return (performance.now() - started) / 1000;
}

export function log(message) {
  console.log(`[${elapsedSeconds().toFixed(1).padStart(6)}s] ${message}`);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Epoch milliseconds with sub-millisecond resolution, comparable between processes. */
export function preciseNow() {
  return performance.timeOrigin + performance.now();
}

/** Polls `check` every `intervalMs` until it returns a truthy value; throws after `timeoutMs`. */
export async function eventually(check, { timeoutMs, intervalMs = 100, what }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
