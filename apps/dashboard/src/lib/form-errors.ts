import type { z } from 'zod';

/** Field path (dotted) → message. */
export type FieldErrors = Record<string, string>;

/** A schema's issues, the first per field, keyed by dotted path ('' for the whole form). */
export function issuesToErrors(issues: readonly z.core.$ZodIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const path = issue.path.map(String).join('.');
    errors[path] ??= issue.message;
  }
  return errors;
}

/**
 * The API answers a 400 with `message: "slug: must be …; url: must be …"` (field paths and
 * messages). The parts whose field the form shows go next to that field; the rest stay whole.
 */
export function apiMessageToErrors(
  message: string,
  fieldOf: (path: string) => string | null,
): { fields: FieldErrors; rest: string[] } {
  const fields: FieldErrors = {};
  const rest: string[] = [];
  for (const part of message.split('; ')) {
    const match = /^([A-Za-z0-9_.-]+): (.+)$/s.exec(part);
    const field = match ? fieldOf(match[1]) : null;
    if (match && field) fields[field] ??= match[2];
    else rest.push(part);
  }
  return { fields, rest };
}

/** The errors less one field's (once that field is edited). */
export function withoutError(errors: FieldErrors, field: string): FieldErrors {
  if (!(field in errors)) return errors;
  const next = { ...errors };
  delete next[field];
  return next;
}
