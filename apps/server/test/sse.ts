import type { CliDelivery, StreamMessage } from '@hookyard/contracts';
import { ADMIN_TOKEN, type TestServer } from './helpers';

/** One block of a text/event-stream: an event, or comment lines only. */
export interface SseBlock {
  event: string | null;
  data: string | null;
  id: string | null;
  comments: string[];
}

function parseBlock(text: string): SseBlock {
  const block: SseBlock = { event: null, data: null, id: null, comments: [] };
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) block.comments.push(line.slice(1).trim());
    const match = /^(event|data|id): ?(.*)$/.exec(line);
    if (!match) continue;
    if (match[1] === 'data')
      block.data = block.data === null ? match[2] : `${block.data}\n${match[2]}`;
    else block[match[1] as 'event' | 'id'] = match[2];
  }
  return block;
}

interface Waiter {
  match: (block: SseBlock) => boolean;
  resolve: (block: SseBlock) => void;
}

/** An SSE client over fetch: keeps every block it reads, and hands out the ones a test waits for. */
export class SseClient {
  readonly blocks: SseBlock[] = [];
  private readonly waiters = new Set<Waiter>();
  /** Settles when the server ends the stream (or the client aborts it). */
  readonly ended: Promise<void>;

  private constructor(
    readonly response: Response,
    private readonly controller: AbortController,
  ) {
    this.ended = this.pump();
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const controller = new AbortController();
    const response = await fetch(url, { headers, signal: controller.signal });
    const client = new SseClient(response, controller);
    openClients.add(client);
    return client;
  }

  /** The first block read so far or from now on that `match`es; fails after `timeoutMs`. */
  next(match: (block: SseBlock) => boolean, timeoutMs = 5000): Promise<SseBlock> {
    const index = this.blocks.findIndex(match);
    if (index >= 0) return Promise.resolve(this.blocks.splice(index, 1)[0]);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (block) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(block);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no matching SSE block within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** The next `type` event whose data has the given id, its data parsed. */
  async nextMessage<T extends StreamMessage>(type: T['type'], id: string): Promise<T['data']> {
    const block = await this.next(
      (b) => b.event === type && (JSON.parse(b.data ?? '{}') as { id?: string }).id === id,
    );
    return JSON.parse(block.data ?? '') as T['data'];
  }

  close(): void {
    openClients.delete(this);
    this.controller.abort();
  }

  private async pump(): Promise<void> {
    if (!this.response.body) return;
    const reader = this.response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += value.replace(/\r\n?/g, '\n');
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const text = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (text.trim() !== '') this.receive(parseBlock(text));
        }
      }
    } catch {
      // Aborted by close().
    }
  }

  private receive(block: SseBlock): void {
    for (const waiter of this.waiters) {
      if (waiter.match(block)) return waiter.resolve(block);
    }
    this.blocks.push(block);
  }
}

export const openClients = new Set<SseClient>();

export const isComment = (text: string) => (block: SseBlock) =>
  block.event === null && block.comments.includes(text);

/** A client of `server`'s stream that the server is listening for (`: connected` received). */
export async function connect(server: TestServer, search = ''): Promise<SseClient> {
  const client = await SseClient.open(`${server.url}/api/v1/stream${search}`, {
    authorization: `Bearer ${ADMIN_TOKEN}`,
  });
  expect(client.response.status).toBe(200);
  await client.next(isComment('connected'));
  return client;
}

/**
 * A CLI's delivery stream (`hookyard listen`), open and claiming (`: connected` received).
 * `lastEventId`: sent as `Last-Event-ID`, as a reconnecting CLI does.
 */
export async function connectCli(
  server: TestServer,
  destinationId: string,
  lastEventId?: string,
): Promise<SseClient> {
  const client = await SseClient.open(
    `${server.url}/api/v1/cli/destinations/${destinationId}/deliveries`,
    {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(lastEventId !== undefined && { 'last-event-id': lastEventId }),
    },
  );
  expect(client.response.status).toBe(200);
  await client.next(isComment('connected'));
  return client;
}

/** The next `delivery` message of a CLI stream: its SSE id and its data. */
export async function nextCliDelivery(
  client: SseClient,
  timeoutMs = 5000,
): Promise<{ id: string | null; delivery: CliDelivery }> {
  const block = await client.next((b) => b.event === 'delivery', timeoutMs);
  return { id: block.id, delivery: JSON.parse(block.data ?? '') as CliDelivery };
}

/** The `delivery` messages a CLI stream has read and no test took yet. */
export const unreadCliDeliveries = (client: SseClient): CliDelivery[] =>
  client.blocks
    .filter((b) => b.event === 'delivery')
    .map((b) => JSON.parse(b.data ?? '') as CliDelivery);
