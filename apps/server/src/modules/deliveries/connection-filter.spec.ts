import { matchesFilter } from './connection-filter';

const body = { action: 'opened', pull_request: { draft: false, number: 7 } };

describe('matchesFilter', () => {
  it('forwards everything without a filter, without parsing the body', () => {
    const parse = jest.fn();
    expect(matchesFilter(null, {}, parse)).toBe(true);
    expect(parse).not.toHaveBeenCalled();
  });

  it('matches headers by name, case-insensitively', () => {
    const filter = { headers: { 'X-GitHub-Event': 'pull_request' } };
    expect(matchesFilter(filter, { 'x-github-event': 'pull_request' }, () => body)).toBe(true);
    expect(matchesFilter(filter, { 'x-github-event': 'push' }, () => body)).toBe(false);
    expect(matchesFilter(filter, {}, () => body)).toBe(false);
  });

  it('matches dotted body paths against strings, numbers and booleans', () => {
    expect(
      matchesFilter({ body: { action: 'opened', 'pull_request.number': 7 } }, {}, () => body),
    ).toBe(true);
    expect(matchesFilter({ body: { 'pull_request.draft': true } }, {}, () => body)).toBe(false);
    expect(matchesFilter({ body: { 'missing.path': 'x' } }, {}, () => body)).toBe(false);
    expect(matchesFilter({ body: { action: 'opened' } }, {}, () => undefined)).toBe(false);
  });

  it('needs every rule to match', () => {
    const filter = { headers: { 'x-a': '1' }, body: { action: 'closed' } };
    expect(matchesFilter(filter, { 'x-a': '1' }, () => body)).toBe(false);
  });
});
