import { Injectable, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { InvalidInputError } from './domain-errors';

/** Validates a body, query or params object against a contracts schema; 400 names the field. */
@Injectable()
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly what: 'body' | 'query' | 'params' = 'body',
  ) {}

  transform(value: unknown): z.output<S> {
    if (this.what === 'body' && (value === undefined || value === null)) {
      throw new InvalidInputError('Request body is required (JSON)');
    }
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    throw new InvalidInputError(
      result.error.issues
        .slice(0, 5)
        .map((issue) => {
          const field = issue.path.length > 0 ? issue.path.join('.') : this.what;
          if (issue.code === 'unrecognized_keys') {
            return `${field}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
          }
          return `${field}: ${issue.message}`;
        })
        .join('; '),
    );
  }
}

export const body = <S extends z.ZodType>(schema: S) => new ZodValidationPipe(schema, 'body');
export const query = <S extends z.ZodType>(schema: S) => new ZodValidationPipe(schema, 'query');
export const params = <S extends z.ZodType>(schema: S) => new ZodValidationPipe(schema, 'params');
