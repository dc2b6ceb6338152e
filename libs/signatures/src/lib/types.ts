/**
 * The verification rules a source can carry, and what verifying a request tells.
 * Pure data: no framework, no I/O. The server stores the rule (secrets included)
 * and calls `verify()` on the raw bytes it received.
 */

export const HMAC_ALGORITHMS = ['sha1', 'sha256', 'sha512'] as const;
export type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number];

export const SIGNATURE_ENCODINGS = ['hex', 'base64'] as const;
export type SignatureEncoding = (typeof SIGNATURE_ENCODINGS)[number];

export const VERIFICATION_TYPES = [
  'none',
  'shared_secret',
  'hmac',
  'github',
  'stripe',
  'shopify',
  'slack',
  'standard_webhooks',
] as const;
export type VerificationType = (typeof VERIFICATION_TYPES)[number];

/** Default window for timestamped schemes (Stripe's and Standard Webhooks' tolerance). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type VerificationRule =
  | { type: 'none' }
  | { type: 'shared_secret'; header: string; secrets: string[] }
  | {
      type: 'hmac';
      header: string;
      algorithm: HmacAlgorithm;
      encoding: SignatureEncoding;
      /** Text before the signature in the header, e.g. `sha256=`. */
      prefix?: string;
      secrets: string[];
    }
  | { type: 'github'; secrets: string[] }
  | { type: 'stripe'; secrets: string[]; toleranceSeconds?: number }
  | { type: 'shopify'; secrets: string[] }
  | { type: 'slack'; secrets: string[]; toleranceSeconds?: number }
  | { type: 'standard_webhooks'; secrets: string[]; toleranceSeconds?: number };

/** Header names are lower-case, as Node gives them. */
export type IncomingHeaders = Readonly<Record<string, string | string[] | undefined>>;

export interface SignedRequest {
  headers: IncomingHeaders;
  /** The body exactly as received. */
  body: Uint8Array;
  /** Defaults to the current time; tests pass a fixed clock. */
  now?: Date;
}

export const REJECTION_CODES = [
  'missing_header',
  'malformed_header',
  'timestamp_out_of_tolerance',
  'signature_mismatch',
  'no_secrets_configured',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

/**
 * Why a request failed verification, precise enough to fix the setup without
 * guessing. Stored with the rejected event and shown by the dashboard's
 * signature debugger. Never contains a secret or a full valid signature.
 */
export interface Rejection {
  code: RejectionCode;
  /** One readable sentence, e.g. "Header X-Hub-Signature-256 is missing". */
  message: string;
  /** The verification type that rejected the request. */
  scheme: VerificationType;
  /** The header that was missing, malformed or did not match. */
  header?: string;
  /** What arrived in that header (signatures are public: they are in the request). */
  received?: string;
  /** First characters of each expected signature, one per secret, to compare by eye. */
  expectedPrefixes?: string[];
  /** now − timestamp, in seconds (positive: the request is old). */
  skewSeconds?: number;
  toleranceSeconds?: number;
  secretsTried?: number;
  /** The most likely cause, when one can be detected (body re-encoded, hex vs base64, …). */
  likelyCause?: string;
}

export type VerificationResult =
  | {
      ok: true;
      scheme: VerificationType;
      /** index of the secret that matched, -1 for `none` */
      secretIndex: number;
    }
  | { ok: false; rejection: Rejection };
