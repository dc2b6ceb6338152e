import { InvalidInputError } from '../../common/domain-errors';
import type { EventCursor } from './events.repository';

/** An opaque cursor: base64url of "<receivedAt ISO>|<id>" of the last row of a page. */
export function encodeCursor(c: EventCursor): string {
  return Buffer.from(`${c.receivedAt.toISOString()}|${c.id}`).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeCursor(cursor: string): EventCursor {
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const receivedAt = new Date(at);
  if (rest.length > 0 || !id || !UUID.test(id) || Number.isNaN(receivedAt.getTime())) {
    throw new InvalidInputError('cursor: is not a cursor this API returned');
  }
  return { receivedAt, id };
}
