import { Buffer } from 'node:buffer';

/** A body as the sender may have signed it before something changed it in transit. */
export interface BodyVariant {
  body: Buffer;
  cause: string;
}

/** Diagnostics only: larger bodies are not re-parsed. */
const MAX_JSON_DIAGNOSIS_BYTES = 256 * 1024;

export const RESERIALIZED_JSON_CAUSE =
  'The body was changed in transit: it looks re-serialized JSON (a proxy or framework parsed and re-encoded it). Sign/verify the raw bytes.';
const NEWLINE_ADDED_CAUSE =
  'The body was changed in transit: a trailing newline was added after it was signed (the signature matches the body without it). Sign/verify the raw bytes.';
const NEWLINE_REMOVED_CAUSE =
  'The body was changed in transit: a trailing newline was removed after it was signed (the signature matches the body with it). Sign/verify the raw bytes.';

/** JSON with ", " and ": " separators, as Python's json.dumps writes it by default. */
function stringifySpaced(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(stringifySpaced).join(', ')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).map(
      ([key, member]) => `${JSON.stringify(key)}: ${stringifySpaced(member)}`,
    );
    return `{${members.join(', ')}}`;
  }
  return JSON.stringify(value);
}

function looksLikeJson(body: Buffer): boolean {
  for (const byte of body) {
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) {
      continue;
    }
    return byte === 0x7b || byte === 0x5b; // { or [
  }
  return false;
}

function jsonVariants(body: Buffer): Buffer[] {
  if (body.length > MAX_JSON_DIAGNOSIS_BYTES || !looksLikeJson(body)) {
    return [];
  }
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return [JSON.stringify(parsed), JSON.stringify(parsed, null, 2), stringifySpaced(parsed)].map(
      (text) => Buffer.from(text, 'utf8'),
    );
  } catch {
    return []; // not JSON, or too deeply nested to re-serialize
  }
}

/**
 * The bodies the sender may have signed if the received one was altered on the
 * way: JSON re-serialized (compact, 2-space pretty, Python-style spacing) or a
 * trailing newline added or removed. Only used on the failure path.
 */
export function bodyVariants(received: Uint8Array): BodyVariant[] {
  const body = Buffer.from(received);
  const variants: BodyVariant[] = [];
  const seen = new Set<string>([body.toString('base64')]);
  const add = (candidate: Buffer, cause: string): void => {
    const id = candidate.toString('base64');
    if (!seen.has(id)) {
      seen.add(id);
      variants.push({ body: candidate, cause });
    }
  };

  for (const candidate of jsonVariants(body)) {
    add(candidate, RESERIALIZED_JSON_CAUSE);
  }
  if (body.length > 0 && body[body.length - 1] === 0x0a) {
    const cut = body.length > 1 && body[body.length - 2] === 0x0d ? 2 : 1;
    add(body.subarray(0, body.length - cut), NEWLINE_ADDED_CAUSE);
  } else {
    add(Buffer.concat([body, Buffer.from('\n')]), NEWLINE_REMOVED_CAUSE);
  }
  return variants;
}
