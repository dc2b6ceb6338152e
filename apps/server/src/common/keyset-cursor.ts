import { InvalidInputError } from './domain-errors';

/** Where a newest-first page ended: the last row's time and id. */
export interface KeysetCursor {
  at: Date;
  id: string;
}

/** An opaque cursor: base64url of "<ISO time>|<id>". */
export function encodeCursor(c: KeysetCursor): string {
  return Buffer.from(`${c.at.toISOString()}|${c.id}`).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeCursor(cursor: string): KeysetCursor {
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const time = new Date(at);
  if (rest.length > 0 || !id || !UUID.test(id) || Number.isNaN(time.getTime())) {
    throw new InvalidInputError('cursor: is not a cursor this API returned');
  }
  return { at: time, id };
}

/**
 * A newest-first page from `limit + 1` rows: the extra row only says there is more,
 * and the cursor points after the last row shown.
 */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  cursorOf: (row: Row) => KeysetCursor,
  map: (row: Row) => Item,
): { data: Item[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map(map),
    nextCursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null,
  };
}
