import { z } from 'zod';
import { limitSchema, uuidSchema } from './common';

export const EVENT_STATUSES = ['accepted', 'rejected'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const DELIVERY_STATUSES = [
  'scheduled',
  'delivering',
  'succeeded',
  'failed',
  'dead',
  'cancelled',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const listEventsQuerySchema = z
  .object({
    sourceId: uuidSchema.optional(),
    status: z.enum(EVENT_STATUSES).optional(),
    /** Text search: path, query, dedupe key and headers ignoring ASCII case; the body byte for byte. */
    q: z.string().min(1).max(200).optional(),
    since: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time' }).optional(),
    until: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time' }).optional(),
    cursor: z.string().max(200).optional(),
    limit: limitSchema,
  })
  .strict();
export type ListEventsQuery = z.output<typeof listEventsQuerySchema>;

/**
 * Why a request was rejected: the signature debugger's data. Mirrors
 * `Rejection` of `@hookyard/signatures`, plus the non-signature reasons.
 */
export interface RejectionDetails {
  code: string;
  message: string;
  scheme?: string;
  header?: string;
  received?: string;
  expectedPrefixes?: string[];
  skewSeconds?: number;
  toleranceSeconds?: number;
  secretsTried?: number;
  likelyCause?: string;
}

export interface DeliverySummary {
  id: string;
  destinationId: string | null;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
}

/** How many of an event's deliveries are in each state; `pending` is scheduled or delivering. */
export interface DeliveryCounts {
  total: number;
  pending: number;
  succeeded: number;
  failed: number;
  dead: number;
  cancelled: number;
}

/** An event in a list or on the live stream: no headers or body, its deliveries counted. */
export interface EventSummary {
  id: string;
  /** Null for a destination's test event. */
  sourceId: string | null;
  method: string;
  path: string;
  query: string;
  contentType: string | null;
  size: number;
  sourceIp: string | null;
  receivedAt: string;
  status: EventStatus;
  verified: boolean;
  rejectionReason: string | null;
  /** Set when the request was a provider's handshake (answered, not forwarded). */
  handshake: string | null;
  dedupeKey: string | null;
  deliveryCounts: DeliveryCounts;
}

/** One event in full: its deliveries are listed, so they are not counted. */
export interface EventResponse extends Omit<EventSummary, 'deliveryCounts'> {
  /** Header names as the provider sent them; repeated headers are joined with ", ". */
  headers: Record<string, string>;
  /** UTF-8 text, or base64 when the bytes are not valid UTF-8. */
  body: string;
  bodyEncoding: 'utf8' | 'base64';
  rejection: RejectionDetails | null;
  deliveries: DeliverySummary[];
}

export interface IngestAccepted {
  id: string;
  duplicate?: true;
}
