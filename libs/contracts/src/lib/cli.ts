import { z } from 'zod';
import { MIB } from './common';
import { ATTEMPT_ERROR_KINDS } from './deliveries';
import { destinationUrlSchema } from './destinations';

/**
 * `hookyard listen`: the CLI's side of the API.
 *
 *     POST /api/v1/cli/sessions                         → 201 CliSessionResponse
 *     GET  /api/v1/cli/destinations/:id/deliveries      → text/event-stream of `delivery` messages
 *     POST /api/v1/cli/deliveries/:id/attempts          → 200 CliAttemptRecorded
 *
 * A session registers (or finds again) the CLI destination of one source for one CLI
 * installation (`clientId`), connected to the source. Its deliveries are never sent by a
 * worker: they wait, scheduled, until the CLI's stream takes them. The stream sends what is
 * due (the backlog first, oldest first, then new ones live), each as one attempt leased to the
 * CLI; the CLI forwards it to the local URL and reports the attempt back, which is recorded
 * like any other (retries, dead letters, the dashboard's timeline). An attempt not reported
 * before its lease ends is sent again. So nothing is missed while the CLI is offline or its
 * connection drops; `Last-Event-ID` on a reconnect only spares resending what was reported.
 */
export const cliSessionSchema = z
  .object({
    /** The source's slug or id. */
    source: z.string().trim().min(1).max(200),
    /** The local URL the CLI forwards to: shown in the dashboard. */
    forwardTo: destinationUrlSchema,
    /** Who listens, and where: `ada@laptop`. */
    listener: z.string().trim().min(1).max(200),
    /** Stable per CLI installation: a restarted CLI finds the deliveries that waited for it. */
    clientId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8–64 letters, digits, - or _'),
    /** Cancel the deliveries that waited while this CLI was offline; only new events arrive. */
    newOnly: z.boolean().default(false),
  })
  .strict();
export type CliSessionRequest = z.input<typeof cliSessionSchema>;
export type CliSession = z.output<typeof cliSessionSchema>;

export interface CliSessionResponse {
  destinationId: string;
  sourceId: string;
  sourceSlug: string;
  /** Deliveries waiting for this CLI now (after `newOnly` cancelled the backlog). */
  pending: number;
  /** Deliveries `newOnly` cancelled. */
  cancelled: number;
}

/** One `delivery` message of the CLI stream (SSE `id`: `<deliveryId>:<attempt>`). */
export interface CliDelivery {
  deliveryId: string;
  attempt: number;
  eventId: string;
  method: string;
  /** The path after the source's ingest URL (`/in/<slug>`), e.g. `/orders`; `` when none. */
  path: string;
  /** The query string without `?`; `` when none. */
  query: string;
  /** The provider's headers in order, repeated ones repeated. */
  headers: [string, string][];
  /** The body, base64. */
  body: string;
  receivedAt: string;
  /**
   * Set when the provider is waiting for this attempt's answer (the source's `passthrough`):
   * answer before this time and the provider gets the local response.
   */
  respondBy: string | null;
}

/** Response bodies kept per attempt, as for the HTTP worker. */
export const CLI_RESPONSE_BODY_LIMIT = 1 * MIB;

export const cliAttemptSchema = z
  .object({
    attempt: z.number().int().min(1),
    /** The URL the CLI called (the local URL + path + query). */
    url: z.string().min(1).max(4096),
    statusCode: z.number().int().min(100).max(599).nullable(),
    durationMs: z
      .number()
      .int()
      .min(0)
      .max(24 * 3600 * 1000),
    responseHeaders: z.record(z.string(), z.string()).nullable(),
    /** base64, at most CLI_RESPONSE_BODY_LIMIT bytes decoded (the CLI truncates). */
    responseBody: z
      .string()
      .max(Math.ceil((CLI_RESPONSE_BODY_LIMIT * 4) / 3) + 4)
      .nullable(),
    responseBodyTruncated: z.boolean().default(false),
    error: z.string().max(2000).nullable(),
    errorKind: z.enum(ATTEMPT_ERROR_KINDS).nullable(),
  })
  .strict();
export type CliAttemptRequest = z.input<typeof cliAttemptSchema>;
export type CliAttempt = z.output<typeof cliAttemptSchema>;

export interface CliAttemptRecorded {
  deliveryId: string;
  attempt: number;
  /** The delivery's status after this attempt: `succeeded`, `failed` (a retry is scheduled) or `dead`. */
  status: 'succeeded' | 'failed' | 'dead';
  nextAttemptAt: string | null;
}
