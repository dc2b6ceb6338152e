import { analyzeBody, countNodes, hexDump, jsonTree, mediaType } from './body-format';

describe('analyzeBody', () => {
  it('parses a JSON body by its content type, +json included', () => {
    expect(analyzeBody('{"a":1}', 'utf8', 'application/json; charset=utf-8')).toMatchObject({
      kind: 'json',
      value: { a: 1 },
    });
    expect(analyzeBody('[1]', 'utf8', 'application/vnd.api+json')).toMatchObject({
      kind: 'json',
      value: [1],
    });
  });

  it('guesses JSON without a content type, but not for other declared types', () => {
    expect(analyzeBody(' {"a":1}', 'utf8', null).kind).toBe('json');
    expect(analyzeBody('{"a":1}', 'utf8', 'text/csv').kind).toBe('text');
  });

  it('keeps a declared-JSON body that does not parse as text, with the parse error', () => {
    const body = analyzeBody('{"a":', 'utf8', 'application/json');
    expect(body.kind).toBe('text');
    expect(body.kind === 'text' && body.jsonError).toBeTruthy();
  });

  it('splits a form body into decoded fields, repeats kept', () => {
    expect(
      analyzeBody('a=1&b=x+y&a=%26', 'utf8', 'application/x-www-form-urlencoded'),
    ).toMatchObject({
      kind: 'form',
      fields: [
        ['a', '1'],
        ['b', 'x y'],
        ['a', '&'],
      ],
    });
  });

  it('treats a base64 body as binary and an empty one as empty', () => {
    const binary = analyzeBody('iVBORw0=', 'base64', 'image/png');
    expect(binary.kind).toBe('binary');
    expect(Array.from(binary.bytes)).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d]);
    expect(analyzeBody('', 'utf8', 'application/json').kind).toBe('empty');
  });

  it('reads the media type without parameters', () => {
    expect(mediaType('Application/JSON; charset=utf-8')).toBe('application/json');
    expect(mediaType(null)).toBe('');
  });
});

describe('hexDump', () => {
  it('prints offsets, two groups of eight bytes and the printable characters', () => {
    const bytes = new Uint8Array([...Array.from('{"a":1}', (c) => c.charCodeAt(0)), 0x0a]);
    // 48 columns of hex (16 × 2 digits, 15 spaces, one more between the halves), then 2 spaces.
    expect(hexDump(bytes)).toBe(`00000000  7b 22 61 22 3a 31 7d 0a${' '.repeat(27)}|{"a":1}.|`);
    expect(hexDump(new Uint8Array(16).fill(0x41))).toBe(
      `00000000  ${'41 '.repeat(8)} ${'41 '.repeat(7)}41  |${'A'.repeat(16)}|`,
    );
  });

  it('continues on the next line at offset 16 and summarises what is past the limit', () => {
    const bytes = new Uint8Array(40).fill(0x41);
    const lines = hexDump(bytes, 32).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1].startsWith('00000010  41 41')).toBe(true);
    expect(lines[2]).toBe('… 8 more bytes');
  });
});

describe('jsonTree', () => {
  it('gives every node a unique path, even for keys with dots', () => {
    const tree = jsonTree({ 'a.b': 1, a: { b: [true, null] } });
    const values: string[] = [];
    const walk = (n: ReturnType<typeof jsonTree>) => {
      values.push(n.value);
      n.children?.forEach(walk);
    };
    walk(tree);
    expect(new Set(values).size).toBe(values.length);
    expect(tree.children?.map((c) => c.label)).toEqual(['a.b: 1', 'a: {1}']);
    expect(countNodes(tree)).toBe(6);
  });
});
