import { Buffer } from 'node:buffer';
import { bodyVariants, RESERIALIZED_JSON_CAUSE } from './body-variants';
import { constantTimeEqual, constantTimeEqualPublicLength } from './constant-time';
import { headerValue, truncate } from './headers';
import { parseUnixSeconds, resolveTolerance, skewSeconds, withinTolerance } from './timestamps';

describe('constantTimeEqual', () => {
  it('is true only for identical values of any length', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual(Buffer.from([1, 2]), Buffer.from([1, 2]))).toBe(true);
  });
});

describe('constantTimeEqualPublicLength', () => {
  it('is true only for identical values, compared as UTF-8 bytes', () => {
    expect(constantTimeEqualPublicLength('abc', 'abc')).toBe(true);
    expect(constantTimeEqualPublicLength('abc', 'abd')).toBe(false);
    expect(constantTimeEqualPublicLength('abc', 'abcd')).toBe(false);
    expect(constantTimeEqualPublicLength('abcd', 'abc')).toBe(false);
    // Two characters, three bytes: the same length as a string is not the same bytes.
    expect(constantTimeEqualPublicLength('aé', 'ab')).toBe(false);
    expect(constantTimeEqualPublicLength('', '')).toBe(true);
  });
});

describe('headerValue', () => {
  it('looks up case-insensitively and joins repeated values', () => {
    expect(headerValue({ 'x-a': '1' }, 'X-A')).toBe('1');
    expect(headerValue({ 'X-B': '2' }, 'x-b')).toBe('2');
    expect(headerValue({ 'x-c': ['1', '2'] }, 'x-c')).toBe('1, 2');
    expect(headerValue({ 'x-d': [] }, 'x-d')).toBeUndefined();
    expect(headerValue({}, 'x-e')).toBeUndefined();
  });

  it('truncates long values', () => {
    expect(truncate('a'.repeat(300))).toHaveLength(201);
    expect(truncate('short')).toBe('short');
  });
});

describe('timestamps', () => {
  it('parses digits only', () => {
    expect(parseUnixSeconds(' 1614265330 ')).toBe(1614265330);
    expect(parseUnixSeconds('-5')).toBeUndefined();
    expect(parseUnixSeconds('1.5')).toBeUndefined();
    expect(parseUnixSeconds('1e9')).toBeUndefined();
    expect(parseUnixSeconds('')).toBeUndefined();
  });

  it('computes the skew in whole seconds, positive when old', () => {
    const now = new Date(1_000_000_500);
    expect(skewSeconds(999_000, now)).toBe(1000);
    expect(skewSeconds(1_001_000, now)).toBe(-1000);
    expect(withinTolerance(300, 300)).toBe(true);
    expect(withinTolerance(-301, 300)).toBe(false);
  });

  it('never disables the check through a bad tolerance', () => {
    expect(resolveTolerance(undefined)).toBe(300);
    expect(resolveTolerance(0)).toBe(300);
    expect(resolveTolerance(-1)).toBe(300);
    expect(resolveTolerance(Number.NaN)).toBe(300);
    expect(resolveTolerance(60)).toBe(60);
  });
});

describe('bodyVariants', () => {
  it('offers compact, pretty and Python-style JSON plus a newline change', () => {
    const texts = bodyVariants(Buffer.from('{"a": 1, "b": [1, 2]}')).map((v) => v.body.toString());
    expect(texts).toEqual([
      '{"a":1,"b":[1,2]}',
      '{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ]\n}',
      '{"a": 1, "b": [1, 2]}\n',
    ]);
  });

  it('removes a trailing CRLF and never offers the body itself', () => {
    const variants = bodyVariants(Buffer.from('plain\r\n'));
    expect(variants.map((v) => v.body.toString())).toEqual(['plain']);
    expect(variants.every((v) => v.cause !== RESERIALIZED_JSON_CAUSE)).toBe(true);
  });
});
