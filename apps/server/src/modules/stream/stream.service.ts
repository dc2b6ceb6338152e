import {
  Inject,
  Injectable,
  Logger,
  type MessageEvent,
  type OnModuleDestroy,
} from '@nestjs/common';
import { AsyncResource } from 'node:async_hooks';
import type Redis from 'ioredis';
import {
  Observable,
  Subject,
  defer,
  filter,
  interval,
  map,
  merge,
  takeUntil,
  type Subscriber,
} from 'rxjs';
import { z } from 'zod';
import { uuidSchema, type StreamMessage } from '@hookyard/contracts';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { REDIS } from '../redis/redis.token';

/** The Redis pub/sub channel every process publishes to and listens on (`hookyard:stream`). */
export const streamChannel = (redisPrefix: string) => `${redisPrefix}:stream`;

/** Messages per PUBLISH at most: a burst is sent as several payloads of bounded size. */
const MAX_BATCH = 256;

/**
 * While nobody listens (the last PUBLISH reached no subscriber, in any process), messages are
 * gathered for this long; then Redis is asked whether anyone listens now, and only if so are
 * they built and published. At thousands of events a second that is one question instead of
 * hundreds of publishes, and no message is built for nobody.
 */
const UNHEARD_FLUSH_MS = 100;

/** A comment this often keeps proxies and load balancers from closing an idle stream. */
const PING_INTERVAL_MS = 15_000;

/**
 * A message, or a function that makes it: a caller on a hot path passes the function, which
 * runs only when the message may reach someone (see `publish`).
 */
export type StreamMessageSource = StreamMessage | (() => StreamMessage);

const built = (source: StreamMessageSource): StreamMessage =>
  typeof source === 'function' ? source() : source;

const MESSAGE_TYPES: ReadonlySet<string> = new Set<StreamMessage['type']>([
  'event.created',
  'delivery.updated',
]);

export const streamQuerySchema = z
  .object({
    /** Only this source's `event.created`; `delivery.updated` is not filtered. */
    sourceId: uuidSchema.optional(),
    /** Read by the AuthGuard (`@AllowQueryToken()`), allowed here so the query stays strict. */
    access_token: z.string().optional(),
  })
  .strict();
export type StreamQuery = z.output<typeof streamQuerySchema>;

const isMessage = (value: unknown): value is StreamMessage => {
  const candidate = value as { type?: unknown; data?: unknown } | null;
  return (
    typeof candidate?.type === 'string' &&
    MESSAGE_TYPES.has(candidate.type) &&
    typeof candidate.data === 'object' &&
    candidate.data !== null
  );
};

/**
 * The messages of a payload from Redis: a batch (an array, as `publish` sends them) or one
 * message. Elements without the shape of a `StreamMessage` are dropped and counted; a payload
 * that is not JSON gives none.
 */
function parseMessages(payload: string): { messages: StreamMessage[]; malformed: number } {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return { messages: [], malformed: 1 };
  }
  const values = Array.isArray(value) ? value : [value];
  const messages = values.filter(isMessage);
  return { messages, malformed: values.length - messages.length };
}

const matches = (message: StreamMessage, query: StreamQuery): boolean =>
  message.type !== 'event.created' ||
  query.sourceId === undefined ||
  message.data.sourceId === query.sourceId;

/**
 * The live stream: new events and delivery changes, from every process. With Redis, each
 * process publishes to one channel and holds one subscriber connection (opened on first use),
 * fanned out to its clients through a Subject; without Redis, messages stay in the process.
 */
@Injectable()
export class StreamService implements OnModuleDestroy {
  private readonly logger = new Logger(StreamService.name);
  private readonly received = new Subject<StreamMessage>();
  private readonly closing = new Subject<void>();
  private subscriber: Redis | null = null;
  /** Settles once this process receives what is published (the Redis SUBSCRIBE is acknowledged). */
  private listening: Promise<void> | null = null;
  private clients = 0;
  /** Messages published this turn, sent together when it ends (`flush`). */
  private outbox: StreamMessageSource[] = [];
  /** Whether the last PUBLISH reached a subscriber: if not, the outbox waits `UNHEARD_FLUSH_MS`. */
  private heard = true;
  private flushTimer: NodeJS.Timeout | null = null;
  private closed = false;

  private readonly channel: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.channel = streamChannel(config.redisPrefix);
  }

  /** Subscribers of `messages()` in this process (the SSE clients). */
  get clientCount(): number {
    return this.clients;
  }

  /**
   * Fire and forget: never throws, never waits for Redis; a failure is logged. Messages
   * published in the same turn of the event loop (a group commit's events, a group of recorded
   * attempts) leave together, in order, as one Redis PUBLISH of an array. While no process
   * listens, they are gathered for `UNHEARD_FLUSH_MS`, and built and sent only if someone
   * listens by then; without Redis, only if this process has a listener.
   */
  publish(message: StreamMessageSource): void {
    if (!this.redis) {
      // Off the caller's turn, as it would be through Redis.
      setImmediate(() => {
        if (!this.received.observed) return;
        try {
          this.received.next(built(message));
        } catch (error) {
          this.notPublished(1, error);
        }
      });
      return;
    }
    this.outbox.push(message);
    if (this.outbox.length > 1) return;
    if (this.mayBeHeard) setImmediate(this.flush);
    else this.flushTimer = setTimeout(this.flush, UNHEARD_FLUSH_MS);
  }

  private readonly flush = (): void => {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const batch = this.outbox;
    this.outbox = [];
    const redis = this.redis;
    if (!redis || batch.length === 0) return;
    if (this.mayBeHeard) {
      this.send(redis, batch);
      return;
    }
    // Nobody heard the last PUBLISH. Whoever subscribes before this answer gets the batch;
    // what was published before anyone subscribed is owed to no one, and is never built.
    redis.pubsub('NUMSUB', this.channel).then(
      (reply) => {
        if (Number((reply as unknown[])[1]) === 0) return;
        this.heard = true;
        this.send(redis, batch);
      },
      (error: unknown) => this.notPublished(batch.length, error),
    );
  };

  /** Whether a PUBLISH now may reach someone: the last one did, or this process listens. */
  private get mayBeHeard(): boolean {
    return this.heard || this.subscriber !== null;
  }

  private notPublished(count: number, error: unknown): void {
    this.logger.warn(`${count} stream message(s) not published: ${String(error)}`);
  }

  private send(redis: Redis, batch: StreamMessageSource[]): void {
    for (let i = 0; i < batch.length; i += MAX_BATCH) {
      const chunk = batch.slice(i, i + MAX_BATCH);
      try {
        redis.publish(this.channel, JSON.stringify(chunk.map(built))).then(
          (receivers) => (this.heard = receivers > 0),
          (error: unknown) => this.notPublished(chunk.length, error),
        );
      } catch (error) {
        this.notPublished(chunk.length, error);
      }
    }
  }

  /**
   * Every message published by any process from now on. An SSE client counts in
   * `clientCount`; code of the server that listens for a while (`client: false`) does not.
   */
  messages({ client = true }: { client?: boolean } = {}): Observable<StreamMessage> {
    return new Observable<StreamMessage>((subscriber: Subscriber<StreamMessage>) => {
      void this.listen().catch(() => undefined);
      if (client) this.clients++;
      const subscription = this.received.subscribe(subscriber);
      return () => {
        if (client) this.clients--;
        subscription.unsubscribe();
      };
    });
  }

  /** Settles once this process receives what any process publishes (at once without Redis). */
  ready(): Promise<void> {
    return this.listen();
  }

  /**
   * One SSE client's events: `: connected` once this process is listening, the matching
   * messages, and `: ping` every 15 s. Ends when the client leaves or the app shuts down.
   */
  events(query: StreamQuery): Observable<MessageEvent> {
    return merge(
      this.messages().pipe(
        filter((message) => matches(message, query)),
        map((message): MessageEvent => ({ type: message.type, data: message.data })),
      ),
      defer(() => this.listen()).pipe(map((): MessageEvent => ({ comment: 'connected' }))),
      interval(PING_INTERVAL_MS).pipe(map((): MessageEvent => ({ comment: 'ping' }))),
    ).pipe(takeUntil(this.closing));
  }

  async onModuleDestroy(): Promise<void> {
    this.flush();
    // Open streams end first, or the HTTP server would wait for them to close.
    this.closed = true;
    this.closing.next();
    this.closing.complete();
    this.received.complete();
    const subscriber = this.subscriber;
    this.subscriber = null;
    if (!subscriber) return;
    if (subscriber.status === 'ready') await subscriber.quit().catch(() => subscriber.disconnect());
    else subscriber.disconnect();
  }

  private listen(): Promise<void> {
    if (!this.redis || this.closed) return Promise.resolve();
    this.listening ??= this.subscribeOutsideRequest(this.redis);
    return this.listening;
  }

  /**
   * The first client's request opens the shared connection: bound to the context this service
   * was built in, its callbacks do not log under that request's id for the life of the process.
   */
  private readonly subscribeOutsideRequest = AsyncResource.bind((redis: Redis) =>
    this.subscribe(redis),
  );

  private async subscribe(redis: Redis): Promise<void> {
    // No retry limit: SUBSCRIBE waits for Redis to come up, and ioredis subscribes again after
    // every reconnection.
    const subscriber = redis.duplicate({ maxRetriesPerRequest: null });
    this.subscriber = subscriber;
    subscriber.on('error', (error: Error) =>
      this.logger.warn(`Stream subscriber: ${error.message}`),
    );
    subscriber.on('message', (_channel: string, payload: string) => {
      const { messages, malformed } = parseMessages(payload);
      for (const message of messages) this.received.next(message);
      if (malformed > 0) this.logger.warn(`Ignored ${malformed} malformed stream message(s)`);
    });
    try {
      await subscriber.subscribe(this.channel);
    } catch (error) {
      if (this.closed) return;
      this.logger.warn(`Stream subscriber could not subscribe: ${String(error)}`);
      if (this.subscriber === subscriber) this.subscriber = null;
      subscriber.disconnect();
      this.listening = null;
      throw error;
    }
  }
}
