// `npm start`: installs the dependencies if they are missing, builds the server and the
// dashboard if a source is newer than the build, then runs the server. Arguments go to the
// server (`npm start -- migrate`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const serverMain = join(root, 'dist/apps/server/main.js');
const dashboardIndex = join(root, 'dist/apps/dashboard/index.html');
/** What the two builds are made of. */
const inputs = ['apps/server', 'apps/dashboard', 'libs', 'package-lock.json', 'tsconfig.base.json'];
const skipped = new Set(['node_modules', 'dist', '.nx', 'test-output', 'coverage']);

function run(command, args) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NX_TUI: 'false' },
  });
  if (result.status !== 0) {
    console.error(`npm start: \`${command} ${args.join(' ')}\` failed`);
    process.exit(result.status ?? 1);
  }
}

function newestChange(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (!skipped.has(entry)) newest = Math.max(newest, newestChange(join(path, entry)));
  }
  return newest;
}

function buildIsCurrent() {
  if (!existsSync(serverMain) || !existsSync(dashboardIndex)) return false;
  const built = Math.min(statSync(serverMain).mtimeMs, statSync(dashboardIndex).mtimeMs);
  return inputs.every((input) => newestChange(join(root, input)) <= built);
}

if (!existsSync(join(root, 'node_modules/.package-lock.json'))) {
  console.log('npm start: installing dependencies (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}
if (!buildIsCurrent()) {
  console.log('npm start: building the server and the dashboard…');
  run('npx', [
    'nx',
    'run-many',
    '-t',
    'build',
    '--projects=server,dashboard',
    '--outputStyle=static',
  ]);
}

const server = spawn(process.execPath, [serverMain, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
// The first signal is passed on (the server closes once, however many arrive); this process
// stays until the server has closed, and exits with its code.
let forwarded = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (!forwarded) server.kill(signal);
    forwarded = true;
  });
}
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
