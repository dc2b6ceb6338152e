import { CliError } from '../cli-error';
import { normalizeServerUrl, resolveSettings } from './settings';

describe('resolveSettings', () => {
  const stored = { url: 'http://stored:8080', token: 'stored-token' };

  it('uses what login stored', () => {
    expect(resolveSettings({}, stored)).toEqual({
      url: 'http://stored:8080',
      token: 'stored-token',
    });
  });

  it('lets HOOKYARD_URL and HOOKYARD_TOKEN override the file, each on its own', () => {
    expect(resolveSettings({ HOOKYARD_URL: 'https://env.example/' }, stored)).toEqual({
      url: 'https://env.example',
      token: 'stored-token',
    });
    expect(resolveSettings({ HOOKYARD_TOKEN: 'env-token' }, stored).token).toBe('env-token');
  });

  it('says how to log in when nothing is set', () => {
    expect(() => resolveSettings({}, {})).toThrow(/Not logged in: run `hookyard login/);
  });
});

describe('normalizeServerUrl', () => {
  it('drops the trailing slash and keeps a path prefix', () => {
    expect(normalizeServerUrl('http://localhost:8080/')).toBe('http://localhost:8080');
    expect(normalizeServerUrl(' https://x.example/hookyard/ ')).toBe('https://x.example/hookyard');
  });

  it.each([
    ['localhost:8080', /not an http\(s\) URL/],
    ['not a url', /is not a URL/],
    ['ftp://x', /not an http\(s\) URL/],
    ['http://x/?a=1', /must not have a query/],
  ])('refuses %s in one line', (value, message) => {
    expect(() => normalizeServerUrl(value)).toThrow(CliError);
    expect(() => normalizeServerUrl(value)).toThrow(message);
  });
});
