/**
 * Errors that services throw. The global filter maps each to its HTTP status; the
 * domain code never imports HTTP exceptions.
 */
export abstract class DomainError extends Error {
  abstract readonly statusCode: number;
}

export class NotFoundError extends DomainError {
  readonly statusCode = 404;
  static of(kind: string, id: string): NotFoundError {
    return new NotFoundError(`${kind} ${id} not found`);
  }
}

export class ConflictError extends DomainError {
  readonly statusCode = 409;
}

export class InvalidInputError extends DomainError {
  readonly statusCode = 400;
}

export class PayloadTooLargeError extends DomainError {
  readonly statusCode = 413;
}

export class UnauthorizedError extends DomainError {
  readonly statusCode = 401;
}
