import type { CliDelivery } from '@hookyard/contracts';
import { createDeliveryParser, readDeliveries, type DeliveryMessage } from './delivery-stream';

const delivery = (n: number): CliDelivery => ({
  deliveryId: `d${n}`,
  attempt: 1,
  eventId: `e${n}`,
  method: 'POST',
  path: '/orders',
  query: 'a=1',
  headers: [
    ['Content-Type', 'application/json'],
    ['X-Multi', '1'],
    ['X-Multi', '2'],
  ],
  body: Buffer.from(`{"n":${n}}`).toString('base64'),
  receivedAt: '2024-06-01T12:00:00.000Z',
  respondBy: null,
});
const frame = (d: CliDelivery, eol = '\n') =>
  [
    `event: delivery`,
    `id: ${d.deliveryId}:${d.attempt}`,
    `data: ${JSON.stringify(d)}`,
    '',
    '',
  ].join(eol);

function collect(): {
  messages: DeliveryMessage[];
  invalid: string[];
  parser: ReturnType<typeof createDeliveryParser>;
} {
  const messages: DeliveryMessage[] = [];
  const invalid: string[] = [];
  const parser = createDeliveryParser({
    onDelivery: (m) => messages.push(m),
    onInvalid: (why) => invalid.push(why),
  });
  return { messages, invalid, parser };
}

describe('the CLI stream framing', () => {
  it('turns delivery messages into deliveries with their SSE ids, in order', () => {
    const { messages, parser } = collect();
    parser.feed(`: connected\n\n${frame(delivery(1))}: ping\n\n${frame(delivery(2))}`);
    expect(messages).toEqual([
      { id: 'd1:1', delivery: delivery(1) },
      { id: 'd2:1', delivery: delivery(2) },
    ]);
  });

  it('reassembles messages split anywhere, CRLF line ends included', () => {
    const { messages, parser } = collect();
    const text = frame(delivery(1), '\r\n') + frame(delivery(2), '\r\n');
    for (let i = 0; i < text.length; i += 7) parser.feed(text.slice(i, i + 7));
    expect(messages.map((m) => m.delivery.eventId)).toEqual(['e1', 'e2']);
  });

  it('does not hand over a message before its blank line arrives', () => {
    const { messages, parser } = collect();
    const text = frame(delivery(1));
    parser.feed(text.slice(0, -1));
    expect(messages).toHaveLength(0);
    parser.feed('\n');
    expect(messages).toHaveLength(1);
  });

  it('ignores other event types and says so for a malformed delivery', () => {
    const { messages, invalid, parser } = collect();
    parser.feed('event: hello\ndata: {}\n\n');
    parser.feed('event: delivery\ndata: {"deliveryId":"x"}\n\n');
    parser.feed('event: delivery\ndata: not json\n\n');
    expect(messages).toHaveLength(0);
    expect(invalid).toEqual([
      'A delivery message was skipped: its "eventId" is missing or malformed',
      'A delivery message was skipped: its data is not JSON',
    ]);
  });

  it('reads a fetch body stream to its end, multi-byte characters split across chunks', async () => {
    const d = { ...delivery(1), path: '/café' };
    const bytes = Buffer.from(frame(d));
    const split = bytes.indexOf(Buffer.from('é')) + 1; // inside the two bytes of "é"
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.subarray(0, split));
        controller.enqueue(bytes.subarray(split));
        controller.close();
      },
    });
    const messages: DeliveryMessage[] = [];
    let activity = 0;
    await readDeliveries(body, {
      onDelivery: (m) => messages.push(m),
      onInvalid: () => undefined,
      onActivity: () => activity++,
    });
    expect(messages.map((m) => m.delivery.path)).toEqual(['/café']);
    expect(activity).toBe(2);
  });
});
