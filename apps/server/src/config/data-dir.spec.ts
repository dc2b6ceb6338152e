import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminTokenFromDataDir, lockDataDir } from './data-dir';

describe('the data folder', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hookyard-data-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('generates the admin token once, keeps it private, and reads it back', () => {
    const dataDir = join(root, 'nested', '.hookyard');
    const token = adminTokenFromDataDir(dataDir);
    expect(token).toMatch(/^hky_[A-Za-z0-9_-]{32}$/);
    expect(adminTokenFromDataDir(dataDir)).toBe(token);
    expect(statSync(join(dataDir, 'admin-token')).mode & 0o777).toBe(0o600);
  });

  it('refuses a folder that cannot be created, in one line', () => {
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    expect(() => adminTokenFromDataDir(join(file, 'data'))).toThrow(
      /^The data folder .*a-file\/data is not writable \(ENOTDIR\): set HOOKYARD_DATA_DIR/,
    );
  });

  it('lets one process at a time hold the folder, and takes over a dead holder’s lock', async () => {
    const release = lockDataDir(root);
    expect(readFileSync(join(root, 'hookyard.lock'), 'utf8')).toBe(String(process.pid));
    release();

    // A live other process holds it.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(join(root, 'hookyard.lock'), String(other.pid));
      expect(() => lockDataDir(root)).toThrow(`is in use by another Hookyard (pid ${other.pid})`);
    } finally {
      other.kill();
      await new Promise((resolve) => other.once('exit', resolve));
    }
    // Now that process is gone: its lock is stale.
    const again = lockDataDir(root);
    expect(readFileSync(join(root, 'hookyard.lock'), 'utf8')).toBe(String(process.pid));
    again();
  });
});
