import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import type { RejectionDetails } from '@hookyard/contracts';
import {
  detectHandshake,
  verify,
  type HandshakeResponse,
  type Rejection,
} from '@hookyard/signatures';
import { errorBody } from '../../common/http-exception.filter';
import { MetricsService, type IngestOutcome } from '../metrics/metrics.service';
import { RateLimiter } from '../redis/rate-limiter.service';
import type { SourceEntity } from '../sources/source.entity';
import type { HeaderPairs } from '../events/event.entity';
import { EventsRepository, type NewDelivery, type NewEvent } from '../events/events.repository';
import { matchesFilter } from '../deliveries/connection-filter';
import { DeliveryQueue } from '../deliveries/delivery-queue';
import { NO_DELIVERIES, toEventSummary } from '../events/event.mapper';
import { StreamService } from '../stream/stream.service';
import { BodyTooLargeError, readBody } from './body-reader';
import { dedupeKey } from './dedupe-key';
import { isIpAllowed } from './ip-allowlist';
import { Passthrough } from './passthrough';
import { RoutingCache, type Routing } from './routing-cache';

/** What the HTTP layer hands over: the request as received, body still unread. */
export interface IngestRequest {
  slug: string;
  method: string;
  /** The sub-path after the slug, `/` when none. */
  path: string;
  /** The raw query string without `?`. */
  query: string;
  queryParams: Record<string, string | string[] | undefined>;
  headers: IncomingHttpHeaders;
  /** Node's rawHeaders: names as sent, in order, repeats kept. */
  rawHeaders: string[];
  ip: string | null;
  body: Readable | undefined;
  /**
   * Made by `Send test event` (`SourceTestService`): no provider's address to judge, so the
   * source's IP allowlist does not apply; `eventId` is the id the event gets.
   */
  test?: { eventId: string };
}

export interface IngestReply {
  statusCode: number;
  headers: Record<string, string>;
  body: string | object | Buffer;
}

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

/** A JSON body for connection filters; undefined when it is not one (filters on it then fail). */
function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function pairs(rawHeaders: string[]): HeaderPairs {
  const out: HeaderPairs = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) out.push([rawHeaders[i], rawHeaders[i + 1]]);
  return out;
}

/** What the sender is told on a 401: enough to act on, nothing about secrets. */
function publicRejectionMessage(rejection: Rejection): string {
  switch (rejection.code) {
    case 'missing_header':
    case 'malformed_header':
      return rejection.message;
    case 'timestamp_out_of_tolerance':
      return 'Signature timestamp is outside the tolerance window';
    case 'signature_mismatch':
      return 'Signature does not match';
    case 'no_secrets_configured':
      return 'Signature cannot be verified: the source has no secret';
  }
}

/**
 * The ingest path: look up the source and its routes (cached), refuse what must be refused before reading
 * (rate, size), read the exact bytes, answer handshakes, verify, and store. The
 * 2xx is built only after the INSERT has committed.
 */
@Injectable()
export class IngestService {
  constructor(
    private readonly routing: RoutingCache,
    private readonly events: EventsRepository,
    private readonly rateLimiter: RateLimiter,
    private readonly queue: DeliveryQueue,
    private readonly stream: StreamService,
    private readonly metrics: MetricsService,
    private readonly passthrough: Passthrough,
  ) {}

  async handle(req: IngestRequest): Promise<IngestReply> {
    const started = process.hrtime.bigint();
    const routing = await this.routing.find(req.slug);
    const [outcome, reply] = routing
      ? await this.handleForSource(routing, req)
      : ([
          'not_found',
          {
            statusCode: 404,
            headers: JSON_TYPE,
            body: errorBody(404, `No source with slug "${req.slug}"`),
          },
        ] as const);
    this.metrics.recordIngest(
      routing?.source.slug ?? 'unknown',
      outcome,
      Number(process.hrtime.bigint() - started) / 1e9,
    );
    return reply;
  }

  private async handleForSource(
    { source, routes: allRoutes }: Routing,
    req: IngestRequest,
  ): Promise<[IngestOutcome, IngestReply]> {
    const receivedAt = new Date();

    if (source.rateLimitPerSecond !== null) {
      const waitMs = await this.rateLimiter.consume('ingest', source.id, source.rateLimitPerSecond);
      if (waitMs !== null) {
        const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
        return [
          'rate_limited',
          {
            statusCode: 429,
            headers: { ...JSON_TYPE, 'retry-after': String(retryAfter) },
            body: errorBody(
              429,
              `Source "${source.slug}" accepts at most ${source.rateLimitPerSecond} requests per second`,
            ),
          },
        ];
      }
    }

    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > source.maxBodyBytes)
      return ['too_large', this.tooLarge(source)];
    let body: Buffer;
    try {
      body = await readBody(req.body, source.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return ['too_large', this.tooLarge(source)];
      throw error;
    }

    const event: NewEvent = {
      id: req.test?.eventId ?? randomUUID(),
      sourceId: source.id,
      receivedAt,
      method: req.method,
      path: req.path,
      query: req.query,
      headers: pairs(req.rawHeaders),
      body,
      contentType: req.headers['content-type'] ?? null,
      sourceIp: req.ip,
      status: 'accepted',
      rejection: null,
      dedupeKey: null,
      handshake: null,
    };

    if (source.allowedIps !== null && !req.test && !isIpAllowed(req.ip, source.allowedIps)) {
      await this.store({
        ...event,
        status: 'rejected',
        rejection: {
          code: 'ip_not_allowed',
          message: `Source IP ${req.ip ?? 'unknown'} is not in this source's allowlist (${source.allowedIps.join(', ')})`,
          likelyCause:
            "The provider sent from an address not listed, or Hookyard runs behind a proxy and HOOKYARD_TRUST_PROXY is not set, so the proxy's address was seen",
        },
      });
      return [
        'forbidden',
        { statusCode: 403, headers: JSON_TYPE, body: errorBody(403, 'Source IP not allowed') },
      ];
    }

    const handshakeRequest = {
      method: req.method,
      query: req.queryParams,
      headers: req.headers,
      body,
      now: receivedAt,
    };
    const handshake = detectHandshake(handshakeRequest, source.handshake);
    // Slack signs its url_verification, so that one is answered only once verified below.
    if (handshake && handshake.kind !== 'slack_url_verification') {
      return ['handshake', await this.answerHandshake(event, handshake)];
    }

    const verification = verify(source.verification, {
      headers: req.headers,
      body,
      now: receivedAt,
    });
    if (!verification.ok) {
      const { id } = await this.store({
        ...event,
        status: 'rejected',
        rejection: verification.rejection as RejectionDetails,
      });
      return [
        'rejected',
        {
          statusCode: 401,
          headers: JSON_TYPE,
          body: { ...errorBody(401, publicRejectionMessage(verification.rejection)), id },
        },
      ];
    }
    if (handshake) return ['handshake', await this.answerHandshake(event, handshake)];

    const routes = allRoutes.filter((route) =>
      matchesFilter(route.filter, req.headers, () => parseJsonBody(body)),
    );
    const deliveries = routes.map((route) => ({
      id: randomUUID(),
      destinationId: route.destinationId,
      open: route.open,
    }));
    const accepted = { ...event, dedupeKey: dedupeKey(source.dedupe, req.headers, body) };
    // Listening before the delivery exists, so that no answer comes before the ingest listens.
    const passthrough =
      source.passthrough && deliveries.length > 0
        ? await this.passthrough.watch(
            deliveries[0].id,
            receivedAt.getTime() + source.passthrough.timeoutMs,
          )
        : null;
    let stored: { id: string; duplicate: boolean };
    try {
      stored = await this.store(accepted, deliveries);
    } catch (error) {
      passthrough?.cancel();
      throw error;
    }
    if (stored.duplicate) {
      passthrough?.cancel();
      return ['duplicate', this.accepted(source, stored)];
    }
    // After the commit. A crash right here loses only these queue entries: the sweeper finds the deliveries.
    await this.queue.enqueue(
      deliveries.filter((d) => d.open).map((d) => ({ id: d.id, attempt: 1 })),
    );
    const answer = await passthrough?.answer();
    if (answer) {
      return [
        'accepted',
        { statusCode: answer.statusCode, headers: answer.headers, body: answer.body },
      ];
    }
    return ['accepted', this.accepted(source, stored)];
  }

  private async answerHandshake(
    event: NewEvent,
    handshake: HandshakeResponse,
  ): Promise<IngestReply> {
    const refused = handshake.statusCode >= 400;
    await this.store({
      ...event,
      handshake: handshake.kind,
      ...(refused && {
        status: 'rejected' as const,
        rejection: { code: 'handshake_refused', message: handshake.body },
      }),
    });
    return {
      statusCode: handshake.statusCode,
      headers: { 'content-type': handshake.contentType },
      body: handshake.body,
    };
  }

  /** Stores an event (and its deliveries) and tells the live stream, unless it was a duplicate. */
  private async store(
    event: NewEvent,
    deliveries: NewDelivery[] = [],
  ): Promise<{ id: string; duplicate: boolean }> {
    const stored = await this.events.insertIngested(event, deliveries);
    if (!stored.duplicate) {
      // Every delivery starts out scheduled.
      const n = deliveries.length;
      this.stream.publish(() => ({
        type: 'event.created',
        data: toEventSummary({
          ...event,
          size: event.body.length,
          deliveryCounts: { ...NO_DELIVERIES, total: n, pending: n },
        }),
      }));
    }
    return stored;
  }

  private accepted(source: SourceEntity, stored: { id: string; duplicate: boolean }): IngestReply {
    if (source.response) {
      return {
        statusCode: source.response.statusCode,
        headers: { ...source.response.headers, 'content-type': source.response.contentType },
        body: source.response.body.replaceAll('{{event.id}}', stored.id),
      };
    }
    return stored.duplicate
      ? { statusCode: 200, headers: JSON_TYPE, body: { id: stored.id, duplicate: true } }
      : { statusCode: 202, headers: JSON_TYPE, body: { id: stored.id } };
  }

  private tooLarge(source: SourceEntity): IngestReply {
    return {
      statusCode: 413,
      headers: { ...JSON_TYPE, connection: 'close' },
      body: errorBody(
        413,
        `Body is larger than this source's limit of ${source.maxBodyBytes} bytes`,
      ),
    };
  }
}
