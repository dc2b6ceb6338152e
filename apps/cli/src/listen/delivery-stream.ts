import type { CliDelivery } from '@hookyard/contracts';
import { createParser } from 'eventsource-parser';

/** One `delivery` message of the CLI stream, with its SSE id (`<deliveryId>:<attempt>`). */
export interface DeliveryMessage {
  id: string;
  delivery: CliDelivery;
}

export interface DeliveryStreamHandlers {
  onDelivery(message: DeliveryMessage): void;
  /** A message that is not a delivery the CLI can forward: said once, then skipped. */
  onInvalid(reason: string): void;
  /** Any bytes arrived (messages, `: ping` comments): the connection is alive. */
  onActivity?(): void;
}

const isString = (value: unknown): value is string => typeof value === 'string';

/** A `delivery` message's data, checked field by field: a server of another version says so here. */
export function parseDelivery(data: string): CliDelivery {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new Error('its data is not JSON');
  }
  const d = value as Partial<Record<keyof CliDelivery, unknown>> | null;
  const bad = (field: string) => new Error(`its "${field}" is missing or malformed`);
  if (typeof d !== 'object' || d === null) throw new Error('its data is not an object');
  for (const field of ['deliveryId', 'eventId', 'method', 'path', 'query', 'body'] as const) {
    if (!isString(d[field])) throw bad(field);
  }
  if (!Number.isInteger(d.attempt) || (d.attempt as number) < 1) throw bad('attempt');
  if (
    !Array.isArray(d.headers) ||
    !d.headers.every(
      (pair: unknown) => Array.isArray(pair) && pair.length === 2 && pair.every(isString),
    )
  ) {
    throw bad('headers');
  }
  if (d.respondBy !== undefined && d.respondBy !== null && !isString(d.respondBy)) {
    throw bad('respondBy');
  }
  return {
    ...(d as CliDelivery),
    receivedAt: isString(d.receivedAt) ? d.receivedAt : '',
    respondBy: d.respondBy ?? null,
  };
}

/**
 * The SSE framing of the CLI stream: text in, `delivery` messages out, in order. Chunks may
 * split anywhere (mid-line, mid-CRLF); comments and other event types are skipped.
 */
export function createDeliveryParser(handlers: DeliveryStreamHandlers): {
  feed(text: string): void;
} {
  const parser = createParser({
    onEvent(event) {
      if (event.event !== 'delivery') return;
      let delivery: CliDelivery;
      try {
        delivery = parseDelivery(event.data);
      } catch (error) {
        handlers.onInvalid(`A delivery message was skipped: ${(error as Error).message}`);
        return;
      }
      handlers.onDelivery({
        id: event.id ?? `${delivery.deliveryId}:${delivery.attempt}`,
        delivery,
      });
    },
  });
  return { feed: (text) => parser.feed(text) };
}

/** Reads a `text/event-stream` body to its end, handing over each delivery as it arrives. */
export async function readDeliveries(
  body: ReadableStream<Uint8Array>,
  handlers: DeliveryStreamHandlers,
): Promise<void> {
  const parser = createDeliveryParser(handlers);
  const decoder = new TextDecoder();
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    handlers.onActivity?.();
    parser.feed(decoder.decode(chunk, { stream: true }));
  }
  parser.feed(decoder.decode());
}
