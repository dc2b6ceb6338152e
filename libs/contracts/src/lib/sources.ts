import { z } from 'zod';
import { headerNameSchema, headerValueSchema, MIB } from './common';

/**
 * Mirrors `VerificationRule` of `@hookyard/signatures`; kept here too so that the
 * dashboard and CLI can validate forms without the crypto code.
 */
const secretsSchema = z
  .array(z.string().min(1, 'must not be empty').max(1024))
  .min(1, 'needs at least one secret')
  .max(10, 'at most 10 secrets (rotation keeps two or three)');

const toleranceSchema = z
  .number()
  .int()
  .min(1)
  .max(7 * 24 * 3600)
  .optional();

export const verificationInputSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('none') }).strict(),
    z
      .object({
        type: z.literal('shared_secret'),
        header: headerNameSchema,
        secrets: secretsSchema,
      })
      .strict(),
    z
      .object({
        type: z.literal('hmac'),
        header: headerNameSchema,
        algorithm: z.enum(['sha1', 'sha256', 'sha512']).default('sha256'),
        encoding: z.enum(['hex', 'base64']).default('hex'),
        prefix: z.string().max(64).optional(),
        secrets: secretsSchema,
      })
      .strict(),
    z.object({ type: z.literal('github'), secrets: secretsSchema }).strict(),
    z
      .object({
        type: z.literal('stripe'),
        secrets: secretsSchema,
        toleranceSeconds: toleranceSchema,
      })
      .strict(),
    z.object({ type: z.literal('shopify'), secrets: secretsSchema }).strict(),
    z
      .object({
        type: z.literal('slack'),
        secrets: secretsSchema,
        toleranceSeconds: toleranceSchema,
      })
      .strict(),
    z
      .object({
        type: z.literal('standard_webhooks'),
        secrets: secretsSchema,
        toleranceSeconds: toleranceSchema,
      })
      .strict(),
  ],
  { error: 'must have a known "type"' },
);
export type VerificationInput = z.infer<typeof verificationInputSchema>;
export type VerificationTypeName = VerificationInput['type'];

/** How duplicates are recognised. `auto`: webhook-id, X-GitHub-Delivery, X-Shopify-Webhook-Id, Stripe's event id. */
export const dedupeInputSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('auto') }).strict(),
  z.object({ mode: z.literal('off') }).strict(),
  z.object({ mode: z.literal('header'), header: headerNameSchema }).strict(),
  z
    .object({
      mode: z.literal('body_path'),
      path: z
        .string()
        .min(1)
        .max(256)
        .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'must be a dotted path such as data.id'),
    })
    .strict(),
]);
export type DedupeRule = z.infer<typeof dedupeInputSchema>;

/** What an accepted request is answered with, instead of `202 { "id" }`. `{{event.id}}` in the body is replaced. */
export const customResponseSchema = z
  .object({
    statusCode: z.number().int().min(200).max(299),
    contentType: z.string().min(1).max(256).default('text/plain; charset=utf-8'),
    body: z.string().max(64 * 1024),
    headers: z.record(headerNameSchema, headerValueSchema).default({}),
  })
  .strict();
export type CustomResponse = z.infer<typeof customResponseSchema>;

/**
 * Answer the provider with the destination's response. After the event is stored, the ingest
 * waits up to `timeoutMs` (from receipt) for the first attempt of the event's first delivery
 * (the one of the source's oldest matching connection; any transport, a CLI's too) and answers
 * with that attempt's status code, headers (hop-by-hop ones and `content-length` dropped) and
 * body. When no attempt is recorded in time, or it got no answer (timeout, refused, …), or its
 * body was truncated, the usual answer goes out (`202 { "id" }` or the custom response).
 * Handshakes, duplicates and refused requests are never answered this way. Set it below the
 * provider's own deadline (Slack: 3 s).
 */
export const passthroughSchema = z
  .object({ timeoutMs: z.number().int().min(100).max(30_000) })
  .strict();
export type Passthrough = z.infer<typeof passthroughSchema>;

const cidrSchema = z.union([z.cidrv4(), z.cidrv6(), z.ipv4(), z.ipv6()], {
  error: 'must be an IP address or CIDR block',
});

export const handshakeInputSchema = z
  .object({
    /** Meta (Facebook, Instagram, WhatsApp): the verify token set in the app's webhook settings. */
    metaVerifyToken: z.string().min(1).max(1024).optional(),
    /** Zoom: the app's secret token, used to answer `endpoint.url_validation`. */
    zoomSecretToken: z.string().min(1).max(1024).optional(),
  })
  .strict();
export type HandshakeInput = z.infer<typeof handshakeInputSchema>;

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9_-]{0,62})$/;
export const DEFAULT_MAX_BODY_BYTES = 25 * MIB;

const sourceFields = {
  name: z.string().trim().min(1, 'must not be empty').max(200),
  slug: z
    .string()
    .regex(
      SLUG_PATTERN,
      'must be 1–63 lower-case letters, digits, "-" or "_", starting with a letter or digit',
    ),
  verification: verificationInputSchema,
  maxBodyBytes: z
    .number()
    .int()
    .min(1)
    .max(1024 * MIB),
  dedupe: dedupeInputSchema,
  response: customResponseSchema.nullable(),
  allowedIps: z.array(cidrSchema).max(256).nullable(),
  rateLimitPerSecond: z.number().int().min(1).max(100_000).nullable(),
  handshake: handshakeInputSchema,
  passthrough: passthroughSchema.nullable(),
};

export const createSourceSchema = z
  .object({
    ...sourceFields,
    verification: sourceFields.verification.default({ type: 'none' }),
    maxBodyBytes: sourceFields.maxBodyBytes.default(DEFAULT_MAX_BODY_BYTES),
    dedupe: sourceFields.dedupe.default({ mode: 'auto' }),
    response: sourceFields.response.default(null),
    allowedIps: sourceFields.allowedIps.default(null),
    rateLimitPerSecond: sourceFields.rateLimitPerSecond.default(null),
    handshake: sourceFields.handshake.default({}),
    passthrough: sourceFields.passthrough.default(null),
  })
  .strict();
export type CreateSourceRequest = z.input<typeof createSourceSchema>;
export type CreateSource = z.output<typeof createSourceSchema>;

export const updateSourceSchema = z.object(sourceFields).partial().strict();
export type UpdateSourceRequest = z.input<typeof updateSourceSchema>;
export type UpdateSource = z.output<typeof updateSourceSchema>;

/** A source as the API returns it: secrets are write-only, only their count shows. */
export interface SourceResponse {
  id: string;
  name: string;
  slug: string;
  ingestUrl: string;
  verification: {
    type: VerificationTypeName;
    header?: string;
    algorithm?: string;
    encoding?: string;
    prefix?: string;
    toleranceSeconds?: number;
    secretCount: number;
  };
  maxBodyBytes: number;
  dedupe: DedupeRule;
  response: CustomResponse | null;
  allowedIps: string[] | null;
  rateLimitPerSecond: number | null;
  handshake: { metaVerifyToken: boolean; zoomSecretToken: boolean };
  /** Answer the provider with the destination's response (see `passthroughSchema`); null: never. */
  passthrough: Passthrough | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * `POST /api/v1/sources/{id}/test`: a sample webhook went through the source's ingest path,
 * signed as its provider would sign it, and this is what the provider would have been answered.
 */
export interface SourceTestResponse {
  /** The event it made (accepted, or rejected with the reason); null when none was stored. */
  eventId: string | null;
  statusCode: number;
  /** The answer's body: JSON as an object, anything else as text. */
  body: unknown;
}
