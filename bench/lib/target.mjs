// Starts and drives the destination (`target-server.mjs`) from the orchestrator.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { preciseNow } from './progress.mjs';
import { track } from './processes.mjs';

const script = fileURLToPath(new URL('./target-server.mjs', import.meta.url));

export async function startTarget() {
  const child = track(fork(script, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const pending = new Map();
  let nextId = 0;
  const port = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`target exited with code ${code}`)));
    child.on('message', (message) => {
      if (message.ready) resolve(message.port);
      else pending.get(message.id)?.(message);
    });
  });
  const call = (command, args) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, (message) => {
        pending.delete(id);
        resolve(message);
      });
      child.send({ id, command, args });
    });

  /**
   * The target's clock minus ours, from the ping with the shortest round trip: receipt
   * times minus this offset are on the orchestrator's clock.
   */
  async function clockOffset() {
    let best = { rtt: Infinity, offset: 0 };
    for (let i = 0; i < 20; i++) {
      const sent = preciseNow();
      const { now } = await call('clock');
      const back = preciseNow();
      if (back - sent < best.rtt) best = { rtt: back - sent, offset: now - (sent + back) / 2 };
    }
    return best.offset;
  }

  return {
    url: `http://127.0.0.1:${port}/hook`,
    pid: child.pid,
    /** `track`: receipt times by event id; `keepTimes`: every receipt's time, for `stats().middle`. */
    reset: (options = {}) =>
      call('reset', { track: options.track ?? false, keepTimes: options.keepTimes ?? false }),
    stats: () => call('stats'),
    receipts: async () => new Map((await call('receipts')).receipts),
    clockOffset,
    stop: () => child.disconnect(),
  };
}
