import { z } from 'zod';
import { headerNameSchema, headerValueSchema } from './common';

/** Retry defaults: 9 attempts, delay before attempt n+1 = min(max, initial × 4^(n−1)) ± 20 %. */
export const DEFAULT_RETRY_POLICY = {
  maxAttempts: 9,
  initialDelayMs: 10_000,
  maxDelayMs: 12 * 3600 * 1000,
} as const;
export const DEFAULT_TIMEOUT_MS = 10_000;

export const retryPolicySchema = z
  .object({
    maxAttempts: z.number().int().min(1).max(50).default(DEFAULT_RETRY_POLICY.maxAttempts),
    initialDelayMs: z
      .number()
      .int()
      .min(100)
      .max(24 * 3600 * 1000)
      .default(DEFAULT_RETRY_POLICY.initialDelayMs),
    maxDelayMs: z
      .number()
      .int()
      .min(100)
      .max(7 * 24 * 3600 * 1000)
      .default(DEFAULT_RETRY_POLICY.maxDelayMs),
  })
  .strict()
  .refine((r) => r.maxDelayMs >= r.initialDelayMs, {
    message: 'maxDelayMs must be at least initialDelayMs',
    path: ['maxDelayMs'],
  });
export type RetryPolicy = z.output<typeof retryPolicySchema>;

export const destinationUrlSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2048);

/** A Standard Webhooks secret: `whsec_` + base64 of 24–64 random bytes. */
export const signingSecretSchema = z
  .string()
  .regex(
    /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/,
    'must be a Standard Webhooks secret: whsec_ + base64 of 24–64 bytes',
  );

const destinationFields = {
  name: z.string().trim().min(1, 'must not be empty').max(200),
  url: destinationUrlSchema,
  timeoutMs: z.number().int().min(100).max(120_000),
  retry: retryPolicySchema,
  headers: z.record(headerNameSchema, headerValueSchema),
  rateLimitPerSecond: z.number().int().min(1).max(100_000).nullable(),
  signingSecret: signingSecretSchema.nullable(),
  paused: z.boolean(),
};

export const createDestinationSchema = z
  .object({
    ...destinationFields,
    timeoutMs: destinationFields.timeoutMs.default(DEFAULT_TIMEOUT_MS),
    retry: destinationFields.retry.default(DEFAULT_RETRY_POLICY),
    headers: destinationFields.headers.default({}),
    rateLimitPerSecond: destinationFields.rateLimitPerSecond.default(null),
    signingSecret: destinationFields.signingSecret.default(null),
    paused: destinationFields.paused.default(false),
  })
  .strict();
export type CreateDestinationRequest = z.input<typeof createDestinationSchema>;
export type CreateDestination = z.output<typeof createDestinationSchema>;

export const updateDestinationSchema = z
  .object({
    ...destinationFields,
    /** `false` re-enables a destination that was disabled (410 Gone, a run of failures). */
    disabled: z.literal(false),
  })
  .partial()
  .strict();
export type UpdateDestinationRequest = z.input<typeof updateDestinationSchema>;
export type UpdateDestination = z.output<typeof updateDestinationSchema>;

/** A destination's attempts over the last `windowHours`: its recent success rate. */
export interface RecentAttempts {
  windowHours: number;
  attempts: number;
  /** Attempts answered with a 2xx. */
  succeeded: number;
  /** `succeeded / attempts`, from 0 to 1; null without attempts. */
  successRate: number | null;
  /** The median attempt's duration; null without attempts. */
  p50DurationMs: number | null;
}

/** Where a CLI destination's deliveries go: the `hookyard listen` that registered it. */
export interface CliListener {
  /** Who listens, and where: `ada@laptop`. */
  listener: string;
  /** The local URL the CLI forwards to (the destination's `url` too). */
  forwardTo: string;
  /** A CLI's delivery stream is open now (on any server process). */
  connected: boolean;
  /** When a stream of it was last open; null if never. */
  lastSeenAt: string | null;
}

/**
 * `http`: a worker sends its deliveries to `url`. `cli`: registered by `hookyard listen`; its
 * deliveries wait for the CLI's stream, which forwards them to the developer's machine.
 */
export type DestinationType = 'http' | 'cli';

export interface DestinationResponse {
  id: string;
  name: string;
  type: DestinationType;
  /** For a CLI destination, the local URL its CLI forwards to. */
  url: string;
  /** Set for a CLI destination. */
  cli: CliListener | null;
  timeoutMs: number;
  retry: RetryPolicy;
  headers: Record<string, string>;
  rateLimitPerSecond: number | null;
  /** The secret is write-only; this says whether one is set. */
  hasSigningSecret: boolean;
  paused: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  consecutiveFailures: number;
  recentAttempts: RecentAttempts;
  createdAt: string;
  updatedAt: string;
}
