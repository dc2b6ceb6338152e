import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../cli-error';
import { ConfigStore, configDir } from './config-store';

describe('configDir', () => {
  it('follows XDG_CONFIG_HOME on Linux, ~/.config without it', () => {
    expect(configDir('linux', { XDG_CONFIG_HOME: '/xdg' }, '/home/ada')).toBe('/xdg/hookyard');
    expect(configDir('linux', {}, '/home/ada')).toBe('/home/ada/.config/hookyard');
  });

  it('uses ~/Library/Preferences on macOS and %APPDATA% on Windows', () => {
    expect(configDir('darwin', { XDG_CONFIG_HOME: '/xdg' }, '/Users/ada')).toBe(
      '/Users/ada/Library/Preferences/hookyard',
    );
    expect(configDir('win32', { APPDATA: '/appdata' }, '/home/ada')).toBe(
      join('/appdata', 'hookyard'),
    );
  });
});

describe('ConfigStore', () => {
  let dir: string;
  let store: ConfigStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hookyard-config-'));
    store = new ConfigStore(join(dir, 'hookyard', 'config.json'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads nothing before the first write', () => {
    expect(store.read()).toEqual({});
  });

  it('keeps the settings readable by the user only, merging changes', () => {
    store.write({ url: 'http://a', token: 't1' });
    store.write({ token: 't2' });
    expect(store.read()).toEqual({ url: 'http://a', token: 't2' });
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'hookyard')).mode & 0o777).toBe(0o700);
  });

  it('tightens the mode of a file that was readable by others', () => {
    const open = new ConfigStore(join(dir, 'open.json'));
    writeFileSync(open.path, '{}', { mode: 0o644 });
    open.write({ token: 'x' });
    expect(statSync(open.path).mode & 0o777).toBe(0o600);
  });

  it('creates a client id once and keeps it', () => {
    const first = store.clientId();
    expect(first).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(store.clientId()).toBe(first);
    expect(new ConfigStore(store.path).clientId()).toBe(first);
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toEqual({ clientId: first });
  });

  it('says in one line that a damaged file is not valid', () => {
    store.write({});
    writeFileSync(store.path, '{not json');
    expect(() => store.read()).toThrow(CliError);
    expect(() => store.read()).toThrow(/config\.json is not valid .*delete it and log in again/);
  });
});
