/** `curl` command lines that send a captured request again. */

/** Headers curl sets itself, or that would be wrong for the new request. */
const SKIPPED = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'proxy-connection',
  'accept-encoding',
]);

/** POSIX shell single quotes: `it's` → `'it'\''s'`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export interface CurlInput {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  bodyEncoding: 'utf8' | 'base64';
}

export function toCurl({ method, url, headers, body, bodyEncoding }: CurlInput): string {
  const lines: string[] = [];
  const binary = bodyEncoding === 'base64' && body !== '';
  lines.push(`curl -X ${method} ${shellQuote(url)}`);
  for (const [name, value] of Object.entries(headers)) {
    if (!SKIPPED.has(name.toLowerCase())) lines.push(`  -H ${shellQuote(`${name}: ${value}`)}`);
  }
  if (binary) lines.push('  --data-binary @-');
  else if (body !== '') lines.push(`  --data-binary ${shellQuote(body)}`);
  const command = lines.join(' \\\n');
  // Bytes that are not text go through base64 so that the shell never sees them.
  return binary ? `printf '%s' ${shellQuote(body)} | base64 -d | ${command}` : command;
}
