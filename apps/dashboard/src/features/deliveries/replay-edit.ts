import {
  headerNameSchema,
  headerValueSchema,
  type BodyEncoding,
  type DeliverySummary,
  type EventResponse,
  type Replay,
} from '@hookyard/contracts';
import { isJsonType, mediaType, prettyJson } from '../../lib/body-format';
import { headerValue } from '../../lib/format';

/** One header row of the editor; `key` keeps React's rows apart while names are typed. */
export interface HeaderRow {
  key: number;
  name: string;
  value: string;
}

/** The request as the "Edit and replay" form holds it. */
export interface RequestEdit {
  headers: HeaderRow[];
  body: string;
  bodyEncoding: BodyEncoding;
}

/** Headers set when sending, from the URL and the body: not worth offering for editing. */
const SET_WHEN_SENT = new Set(['host', 'content-length']);

let nextKey = 0;
export const headerRow = (name = '', value = ''): HeaderRow => ({ key: nextKey++, name, value });

/** The stored request, ready to edit: its headers as rows, a JSON body pretty-printed. */
export function initialEdit(event: EventResponse): RequestEdit {
  return {
    headers: Object.entries(event.headers)
      .filter(([name]) => !SET_WHEN_SENT.has(name.toLowerCase()))
      .map(([name, value]) => headerRow(name, value)),
    body: editableBody(event),
    bodyEncoding: event.bodyEncoding,
  };
}

function editableBody(event: EventResponse): string {
  if (event.bodyEncoding === 'utf8' && isJsonType(mediaType(event.contentType))) {
    try {
      return prettyJson(JSON.parse(event.body));
    } catch {
      // Declared JSON but not JSON: offered as it came.
    }
  }
  return event.body;
}

/** The rows as headers; rows left blank are not sent. */
export function headersOf(rows: HeaderRow[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const row of rows) {
    if (row.name.trim() !== '' || row.value !== '') headers[row.name.trim()] = row.value;
  }
  return headers;
}

/**
 * The edit part of a replay request: only what differs from the stored request. An untouched
 * body is left out, so its original bytes go (not the pretty-printed text), and likewise the
 * headers.
 */
export function editedParts(
  edit: RequestEdit,
  initial: RequestEdit,
): Pick<Replay, 'headers' | 'body' | 'bodyEncoding'> {
  const headers = headersOf(edit.headers);
  const sameHeaders =
    JSON.stringify(Object.entries(headers)) ===
    JSON.stringify(Object.entries(headersOf(initial.headers)));
  return {
    ...(!sameHeaders && { headers }),
    ...(edit.body !== initial.body && {
      body: edit.body,
      ...(edit.bodyEncoding === 'base64' && { bodyEncoding: 'base64' as const }),
    }),
  };
}

/** What is wrong with each row, keyed `header.<key>.name` / `header.<key>.value`. */
export function headerRowErrors(rows: HeaderRow[]): Record<string, string> {
  const errors: Record<string, string> = {};
  const seen = new Set<string>();
  for (const row of rows) {
    const name = row.name.trim();
    if (name === '' && row.value === '') continue;
    const nameCheck = headerNameSchema.safeParse(name);
    if (name === '') errors[`header.${row.key}.name`] = 'Name the header';
    else if (!nameCheck.success) errors[`header.${row.key}.name`] = 'Not a valid header name';
    else if (seen.has(name.toLowerCase())) errors[`header.${row.key}.name`] = 'Already set above';
    seen.add(name.toLowerCase());
    const valueCheck = headerValueSchema.safeParse(row.value);
    if (!valueCheck.success) {
      errors[`header.${row.key}.value`] = `Value ${valueCheck.error.issues[0].message}`;
    }
  }
  return errors;
}

/** For an edited text body sent as JSON (by its Content-Type row): why it does not parse. */
export function jsonBodyError(edit: RequestEdit, initial: RequestEdit): string | null {
  if (edit.bodyEncoding !== 'utf8' || edit.body === initial.body) return null;
  if (!isJsonType(mediaType(headerValue(headersOf(edit.headers), 'content-type')))) return null;
  try {
    JSON.parse(edit.body);
    return null;
  } catch (error) {
    return `Not valid JSON (Content-Type says JSON): ${(error as Error).message}`;
  }
}

/**
 * The delivery a replay is compared with: the event's delivery to the same destination, else
 * its latest one that was tried; null when nothing was ever sent.
 */
export function originalDeliveryOf(
  event: EventResponse,
  destinationId: string | null,
): DeliverySummary | null {
  const tried = event.deliveries.filter((d) => d.attempts > 0);
  return (
    tried.find((d) => destinationId !== null && d.destinationId === destinationId) ??
    tried.at(-1) ??
    null
  );
}
