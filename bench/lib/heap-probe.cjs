// Loaded into the server under test by the steady phase (NODE_OPTIONS=--require). When the
// file `${HOOKYARD_BENCH_HEAP_FILE}.request` appears, it runs a full garbage collection and
// appends process.memoryUsage() to HOOKYARD_BENCH_HEAP_FILE as one JSON line. Live memory
// needs the collection: RSS alone rises and falls on the collector's own schedule. (A file,
// not a signal: NestJS's shutdown hooks take SIGUSR2, and SIGUSR1 starts the inspector.)
const { appendFileSync, existsSync, rmSync } = require('node:fs');
const { setFlagsFromString } = require('node:v8');
const { runInNewContext } = require('node:vm');

const file = process.env.HOOKYARD_BENCH_HEAP_FILE;
if (file) {
  setFlagsFromString('--expose_gc');
  const gc = runInNewContext('gc');
  setInterval(() => {
    if (!existsSync(`${file}.request`)) return;
    rmSync(`${file}.request`, { force: true });
    gc();
    appendFileSync(file, `${JSON.stringify(process.memoryUsage())}\n`);
  }, 100).unref();
}
