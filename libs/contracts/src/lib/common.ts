import { z } from 'zod';

/** Every error the API answers has this shape; a 500 means a bug. */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

/** Lists are newest first and paginated by an opaque cursor. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export const uuidSchema = z.uuid({ message: 'must be a UUID' });

export const idParamsSchema = z.object({ id: uuidSchema }).strict();
export type IdParams = z.infer<typeof idParamsSchema>;

/** `limit` of a list request: 1–200, default 50. */
export const limitSchema = z.coerce.number().int().min(1).max(200).default(50);

/** Header names are tokens (RFC 9110); values must be printable on one line. */
export const headerNameSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a valid HTTP header name');

export const headerValueSchema = z
  .string()
  .max(8192)
  .regex(/^[^\r\n\0]*$/, 'must not contain line breaks');

export const MIB = 1024 * 1024;
