/**
 * How a stored body is shown: what kind it is (from its content type and its bytes), and the
 * renderings of each kind. Pure functions; the body viewer component draws them.
 */

export type BodyKind = 'empty' | 'json' | 'form' | 'text' | 'binary';

export type AnalyzedBody =
  | { kind: 'empty'; bytes: Uint8Array }
  | { kind: 'json'; bytes: Uint8Array; text: string; value: unknown }
  | { kind: 'form'; bytes: Uint8Array; text: string; fields: [string, string][] }
  | { kind: 'text'; bytes: Uint8Array; text: string; jsonError?: string }
  | { kind: 'binary'; bytes: Uint8Array };

/** The first this many bytes go into a hex dump; the rest are summarised. */
export const HEX_DUMP_LIMIT = 64 * 1024;

export function decodeBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export function isJsonType(type: string): boolean {
  return type === 'application/json' || type === 'text/json' || type.endsWith('+json');
}

/** No content type, or a generic one: a body that looks like JSON is probably JSON. */
function mayBeJson(type: string, text: string): boolean {
  const generic = type === '' || type === 'text/plain' || type === 'application/octet-stream';
  return generic && /^\s*[[{]/.test(text);
}

export function analyzeBody(
  body: string,
  encoding: 'utf8' | 'base64',
  contentType: string | null,
): AnalyzedBody {
  const bytes = encoding === 'base64' ? decodeBase64(body) : new TextEncoder().encode(body);
  if (bytes.length === 0) return { kind: 'empty', bytes };
  // The server sends base64 only when the bytes are not valid UTF-8.
  if (encoding === 'base64') return { kind: 'binary', bytes };

  const type = mediaType(contentType);
  if (type === 'application/x-www-form-urlencoded') {
    return { kind: 'form', bytes, text: body, fields: [...new URLSearchParams(body)] };
  }
  if (isJsonType(type) || mayBeJson(type, body)) {
    try {
      return { kind: 'json', bytes, text: body, value: JSON.parse(body) as unknown };
    } catch (error) {
      return isJsonType(type)
        ? { kind: 'text', bytes, text: body, jsonError: (error as Error).message }
        : { kind: 'text', bytes, text: body };
    }
  }
  return { kind: 'text', bytes, text: body };
}

export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** `00000000  7b 22 61 22 3a 31 7d 0a                          |{"a":1}.|` */
export function hexDump(bytes: Uint8Array, limit = HEX_DUMP_LIMIT): string {
  const lines: string[] = [];
  const end = Math.min(bytes.length, limit);
  for (let offset = 0; offset < end; offset += 16) {
    const row = bytes.subarray(offset, Math.min(offset + 16, end));
    const cells: string[] = [];
    for (let i = 0; i < 16; i++) {
      cells.push(i < row.length ? hex(row[i], 2) : '  ');
      if (i === 7) cells.push('');
    }
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'));
    lines.push(`${hex(offset, 8)}  ${cells.join(' ')}  |${ascii.join('')}|`);
  }
  if (bytes.length > end) lines.push(`… ${bytes.length - end} more bytes`);
  return lines.join('\n');
}

/** A JSON value as the nodes of a tree: `value` is a unique path, `label` what to show. */
export interface JsonNode {
  value: string;
  label: string;
  children?: JsonNode[];
}

function preview(value: unknown): string {
  if (Array.isArray(value)) return `[${value.length}]`;
  if (value !== null && typeof value === 'object') {
    const n = Object.keys(value).length;
    return `{${n}}`;
  }
  return JSON.stringify(value);
}

export function jsonTree(value: unknown, path = '$', key: string | null = null): JsonNode {
  const label = key === null ? preview(value) : `${key}: ${preview(value)}`;
  if (Array.isArray(value)) {
    return {
      value: path,
      label,
      children: value.map((item, i) => jsonTree(item, `${path}[${i}]`, String(i))),
    };
  }
  if (value !== null && typeof value === 'object') {
    return {
      value: path,
      label,
      children: Object.entries(value).map(([k, v]) =>
        jsonTree(v, `${path}[${JSON.stringify(k)}]`, k),
      ),
    };
  }
  return { value: path, label };
}

export function countNodes(node: JsonNode): number {
  return 1 + (node.children ?? []).reduce((sum, child) => sum + countNodes(child), 0);
}
