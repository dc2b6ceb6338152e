import { z } from 'zod';
import { limitSchema, uuidSchema } from './common';
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

export const replaySchema = z.union(
  [
    z.object({ destinationId: uuidSchema }).strict(),
    z.object({ url: destinationUrlSchema }).strict(),
  ],
  { error: 'needs exactly one of "destinationId" or "url"' },
);
export type Replay = z.output<typeof replaySchema>;

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
  createdAt: string;
  updatedAt: string;
}

export interface DeliveryDetailResponse extends DeliveryResponse {
  attempts: AttemptResponse[];
}

/** What `GET /api/v1/stream` sends, one server-sent event each. */
export type StreamMessage =
  | { type: 'event.created'; data: EventSummary }
  | { type: 'delivery.updated'; data: DeliveryResponse };
