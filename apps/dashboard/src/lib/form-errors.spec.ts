import { createDestinationSchema } from '@hookyard/contracts';
import { apiMessageToErrors, issuesToErrors } from './form-errors';

describe('issuesToErrors', () => {
  it('keys the first message of each field by its dotted path', () => {
    const result = createDestinationSchema.safeParse({
      name: '',
      url: 'ftp://x',
      retry: { initialDelayMs: 5000, maxDelayMs: 1000 },
    });
    expect(result.success).toBe(false);
    expect(issuesToErrors(result.error?.issues ?? [])).toEqual({
      name: 'must not be empty',
      url: 'must be an http(s) URL',
      'retry.maxDelayMs': 'maxDelayMs must be at least initialDelayMs',
    });
  });
});

describe('apiMessageToErrors', () => {
  const fieldOf = (path: string) =>
    ({ slug: 'slug', 'verification.secrets': 'secrets' })[path] ?? null;

  it('puts the parts about known fields next to them and keeps the rest', () => {
    expect(
      apiMessageToErrors(
        'slug: must be 1–63 lower-case letters; verification.secrets: needs at least one secret; body: unknown field "x"',
        fieldOf,
      ),
    ).toEqual({
      fields: { slug: 'must be 1–63 lower-case letters', secrets: 'needs at least one secret' },
      rest: ['body: unknown field "x"'],
    });
  });

  it('keeps a message without a field whole', () => {
    expect(apiMessageToErrors('A source with slug "gh" already exists', fieldOf)).toEqual({
      fields: {},
      rest: ['A source with slug "gh" already exists'],
    });
  });
});
