/**
 * What the CLI prints. stdout carries results (one line per forwarded request, tables, or
 * `--json`); stderr carries status lines and errors, so that stdout stays scriptable.
 */
const colorful = (stream: NodeJS.WriteStream) =>
  stream.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb';

const paint =
  (code: number) =>
  (text: string, stream: NodeJS.WriteStream = process.stdout) =>
    colorful(stream) ? `\u001b[${code}m${text}\u001b[39m` : text;

export const green = paint(32);
export const yellow = paint(33);
export const red = paint(31);
export const dim = (text: string, stream: NodeJS.WriteStream = process.stdout) =>
  colorful(stream) ? `\u001b[2m${text}\u001b[22m` : text;

export function printLine(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function printStatus(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** `--json`: the value, and nothing else on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Left-aligned columns, two spaces apart; the last column is not padded. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const format = (row: string[]) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  return [format(header), ...rows.map(format)].join('\n');
}

/** `14:02:11`, local time. */
export function clock(date: Date = new Date()): string {
  return date.toTimeString().slice(0, 8);
}
