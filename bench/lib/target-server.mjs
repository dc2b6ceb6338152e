// The destination every forwarding test sends to: answers 200 at once, counts what it
// receives and, when asked, when each event arrived. Run by `target.mjs` as a child
// process (its own event loop, like a real destination), controlled over IPC.
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';

const now = () => performance.timeOrigin + performance.now();

let count = 0;
let first = null;
let last = null;
let headerCount = null;
/** Event id → first receipt time; only while tracking. */
let receipts = null;
let duplicates = 0;
/** Every receipt's time, in order; only while asked for (`reset({ keepTimes })`). */
let times = null;

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const at = now();
    count += 1;
    first ??= at;
    last = at;
    times?.push(at);
    headerCount = req.rawHeaders.length / 2;
    if (receipts) {
      const id = req.headers['x-hookyard-event-id'];
      if (typeof id === 'string') {
        if (receipts.has(id)) duplicates += 1;
        else receipts.set(id, at);
      }
    }
    res.writeHead(200, { 'content-length': '0' });
    res.end();
  });
});
server.keepAliveTimeout = 65_000;

/**
 * Receipts per second between the 10th and the 90th percentile receipt: the rate once the
 * sender is past its start (connections, JIT) and before its tail. Null unless times are kept.
 */
function middleRate() {
  if (!times || times.length < 20) return null;
  const from = Math.floor(times.length * 0.1);
  const to = Math.ceil(times.length * 0.9) - 1;
  return ((to - from) * 1000) / (times[to] - times[from]);
}

const commands = {
  reset({ track, keepTimes }) {
    count = 0;
    first = null;
    last = null;
    duplicates = 0;
    receipts = track ? new Map() : null;
    times = keepTimes ? [] : null;
    return {};
  },
  stats: () => ({ count, first, last, headerCount, duplicates, middle: middleRate() }),
  receipts: () => ({ receipts: receipts ? [...receipts] : [] }),
  clock: () => ({ now: now() }),
};

process.on('message', ({ id, command, args }) => {
  process.send({ id, ...commands[command](args ?? {}) });
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => process.send({ ready: true, port: server.address().port }));
