import { z } from 'zod';
import { headerNameSchema, headerValueSchema, limitSchema, uuidSchema } from './common';
import { destinationUrlSchema } from './destinations';
import { DELIVERY_STATUSES, type DeliveryStatus, type EventSummary } from './events';

export const ATTEMPT_ERROR_KINDS = [
  'timeout',
  'connection_refused',
  'connection_reset',
  'dns',
  'tls',
  'ssrf_blocked',
  'network',
] as const;
export type AttemptErrorKind = (typeof ATTEMPT_ERROR_KINDS)[number];

export const listDeliveriesQuerySchema = z
  .object({
    status: z.enum(DELIVERY_STATUSES).optional(),
    destinationId: uuidSchema.optional(),
    eventId: uuidSchema.optional(),
    cursor: z.string().max(200).optional(),
    limit: limitSchema,
  })
  .strict();
export type ListDeliveriesQuery = z.output<typeof listDeliveriesQuerySchema>;

/** Bulk retry: every delivery matching all the given fields. */
export const bulkRetrySchema = z
  .object({
    status: z.enum(['failed', 'dead', 'cancelled', 'succeeded']).default('dead'),
    destinationId: uuidSchema.optional(),
    since: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time' }).optional(),
    until: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time' }).optional(),
  })
  .strict();
export type BulkRetry = z.output<typeof bulkRetrySchema>;

/** How a body travels in JSON: UTF-8 text, or base64 for bytes that are not valid UTF-8. */
export const BODY_ENCODINGS = ['utf8', 'base64'] as const;
export type BodyEncoding = (typeof BODY_ENCODINGS)[number];

/** An edited replay sends at most this many headers, of at most this many characters in all. */
export const MAX_REPLAY_HEADERS = 100;
export const MAX_REPLAY_HEADER_CHARS = 64 * 1024;

/** Headers an edited replay sends instead of the stored request's: tokens for names, one-line values. */
export const replayHeadersSchema = z
  .record(headerNameSchema, headerValueSchema, {
    error: (issue) =>
      issue.code === 'invalid_key' ? 'must be a valid HTTP header name' : undefined,
  })
  .refine(
    (headers) => Object.keys(headers).length <= MAX_REPLAY_HEADERS,
    `must be at most ${MAX_REPLAY_HEADERS} headers`,
  )
  .refine(
    (headers) =>
      Object.entries(headers).reduce((sum, [name, value]) => sum + name.length + value.length, 0) <=
      MAX_REPLAY_HEADER_CHARS,
    `must be at most ${MAX_REPLAY_HEADER_CHARS} characters in all`,
  )
  .refine(
    (headers) =>
      new Set(Object.keys(headers).map((name) => name.toLowerCase())).size ===
      Object.keys(headers).length,
    'must not repeat a name (header names ignore case)',
  );

/**
 * Replay to a destination or to a URL. "Edit and replay" adds `headers` (all of them: they
 * replace the stored request's) and/or `body`; the stored event never changes. The body's size
 * limit is the server's (HOOKYARD_MAX_BODY_BYTES), so it is checked there.
 */
export const replaySchema = z
  .object({
    destinationId: uuidSchema.optional(),
    url: destinationUrlSchema.optional(),
    headers: replayHeadersSchema.optional(),
    body: z.string().optional(),
    /** How `body` is written: text (default), or base64 for bytes that are not UTF-8. */
    bodyEncoding: z.enum(BODY_ENCODINGS).optional(),
  })
  .strict()
  .superRefine((replay, ctx) => {
    if ((replay.destinationId === undefined) === (replay.url === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'needs exactly one of "destinationId" or "url"' });
    }
    if (
      replay.bodyEncoding === 'base64' &&
      replay.body !== undefined &&
      !z.base64().safeParse(replay.body).success
    ) {
      ctx.addIssue({ code: 'custom', path: ['body'], message: 'must be valid base64' });
    }
  });
export type Replay = z.output<typeof replaySchema>;
export type ReplayRequest = z.input<typeof replaySchema>;

/** `POST /api/v1/events/:id/replay` → 202: the new delivery, scheduled. */
export interface ReplayAccepted {
  deliveryId: string;
}

export interface AttemptResponse {
  n: number;
  at: string;
  url: string;
  requestHeaders: Record<string, string>;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  errorKind: AttemptErrorKind | null;
  responseHeaders: Record<string, string> | null;
  /** UTF-8 text, or base64 when not valid UTF-8; truncated to a limit. */
  responseBody: string | null;
  responseBodyEncoding: 'utf8' | 'base64' | null;
}

export interface DeliveryResponse {
  id: string;
  eventId: string;
  destinationId: string | null;
  /** Set for a replay to an ad-hoc URL. */
  url: string | null;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  /** An edited replay: it sends its own headers or body instead of the stored event's. */
  edited: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What an edited replay sends instead of the stored event's request (null: the event's). */
export interface ReplayOverride {
  headers: Record<string, string> | null;
  body: string | null;
  bodyEncoding: BodyEncoding | null;
}

export interface DeliveryDetailResponse extends DeliveryResponse {
  attempts: AttemptResponse[];
  /** Set when `edited`. */
  override: ReplayOverride | null;
}

/** What `GET /api/v1/stream` sends, one server-sent event each. */
export type StreamMessage =
  | { type: 'event.created'; data: EventSummary }
  | { type: 'delivery.updated'; data: DeliveryResponse };
