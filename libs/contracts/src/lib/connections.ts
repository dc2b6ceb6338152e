import { z } from 'zod';
import { headerNameSchema, uuidSchema } from './common';

const jsonPrimitive = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * Which requests a connection forwards. Every listed header must equal its value
 * (names case-insensitive); every listed body path (dotted, into a JSON body) must
 * equal its value. `null` forwards everything.
 */
export const connectionFilterSchema = z
  .object({
    headers: z.record(headerNameSchema, z.string().max(1024)).optional(),
    body: z
      .record(
        z.string().regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'must be a dotted path'),
        jsonPrimitive,
      )
      .optional(),
  })
  .strict()
  .refine((f) => f.headers !== undefined || f.body !== undefined, {
    message: 'needs "headers" or "body" (or set filter to null)',
  });
export type ConnectionFilter = z.infer<typeof connectionFilterSchema>;

export const createConnectionSchema = z
  .object({
    sourceId: uuidSchema,
    destinationId: uuidSchema,
    filter: connectionFilterSchema.nullable().default(null),
  })
  .strict();
export type CreateConnectionRequest = z.input<typeof createConnectionSchema>;
export type CreateConnection = z.output<typeof createConnectionSchema>;

export const updateConnectionSchema = z
  .object({ filter: connectionFilterSchema.nullable() })
  .strict();
export type UpdateConnection = z.output<typeof updateConnectionSchema>;

export const listConnectionsQuerySchema = z
  .object({ sourceId: uuidSchema.optional(), destinationId: uuidSchema.optional() })
  .strict();
export type ListConnectionsQuery = z.output<typeof listConnectionsQuerySchema>;

export interface ConnectionResponse {
  id: string;
  sourceId: string;
  destinationId: string;
  filter: ConnectionFilter | null;
  createdAt: string;
}
