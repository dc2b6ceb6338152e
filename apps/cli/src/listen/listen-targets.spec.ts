import { cliSessionSchema } from '@hookyard/contracts';
import { CliError } from '../cli-error';
import { listenTargets, normalizeForwardTo, sessionRequest } from './listen-targets';

describe('listenTargets', () => {
  it('pairs the positional source with its --forward-to', () => {
    expect(listenTargets('gh', [], ['http://localhost:3000/hooks'])).toEqual([
      { source: 'gh', forwardTo: 'http://localhost:3000/hooks' },
    ]);
  });

  it('pairs repeated --source and --forward-to in order', () => {
    expect(
      listenTargets(undefined, ['a', 'b'], ['http://localhost:3000/a', 'http://localhost:4000/b']),
    ).toEqual([
      { source: 'a', forwardTo: 'http://localhost:3000/a' },
      { source: 'b', forwardTo: 'http://localhost:4000/b' },
    ]);
  });

  it('puts the positional source first when both forms are used', () => {
    const targets = listenTargets('first', ['second'], ['http://h/1', 'http://h/2']);
    expect(targets.map((t) => [t.source, t.forwardTo])).toEqual([
      ['first', 'http://h/1'],
      ['second', 'http://h/2'],
    ]);
  });

  it.each([
    [undefined, [], [], /Name a source/],
    ['gh', [], [], /got 1 source and 0 --forward-to/],
    [undefined, ['a', 'b'], ['http://h/a'], /got 2 sources and 1 --forward-to/],
    ['a', ['a'], ['http://h/1', 'http://h/2'], /Source "a" is named twice/],
    ['gh', [], ['mailto:x@y'], /not an http\(s\) URL/],
  ])('refuses %s %j %j in one line', (positional, sources, forwardTos, message) => {
    const attempt = () => listenTargets(positional, sources, forwardTos);
    expect(attempt).toThrow(CliError);
    expect(attempt).toThrow(message);
  });
});

describe('normalizeForwardTo', () => {
  it.each([
    ['3000', 'http://localhost:3000/'],
    ['3000/hooks', 'http://localhost:3000/hooks'],
    ['localhost:3000/hooks', 'http://localhost:3000/hooks'],
    ['http://127.0.0.1:8080/a?x=1', 'http://127.0.0.1:8080/a?x=1'],
    ['https://dev.local/hooks', 'https://dev.local/hooks'],
  ])('%s → %s', (value, url) => {
    expect(normalizeForwardTo(value)).toBe(url);
  });
});

describe('sessionRequest', () => {
  const options = { clientId: 'AbCdEfGh_12345-xyz', listener: 'ada@laptop', newOnly: true };

  it('is a session request the server contract accepts', () => {
    const request = sessionRequest({ source: 'gh', forwardTo: 'http://localhost:3000/' }, options);
    expect(request).toEqual({
      source: 'gh',
      forwardTo: 'http://localhost:3000/',
      listener: 'ada@laptop',
      clientId: 'AbCdEfGh_12345-xyz',
      newOnly: true,
    });
    expect(cliSessionSchema.safeParse(request).success).toBe(true);
  });

  it('refuses what the server would refuse, before sending it', () => {
    expect(() =>
      sessionRequest(
        { source: 'gh', forwardTo: 'http://localhost:3000/' },
        { ...options, clientId: 'short' },
      ),
    ).toThrow(/Cannot listen to "gh": clientId must be 8–64/);
  });
});
