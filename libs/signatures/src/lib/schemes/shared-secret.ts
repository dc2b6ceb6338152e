import { constantTimeEqual } from '../constant-time';
import { headerValue } from '../headers';
import { missingHeader, noSecretsConfigured, rejected } from '../rejections';
import type { SignedRequest, VerificationResult } from '../types';

export interface SharedSecretRule {
  header: string;
  secrets: string[];
}

/** The value is itself the secret: it is never echoed, only described. */
function redacted(value: string): string {
  return `(redacted: ${value.length} characters)`;
}

function matchingIndex(secrets: readonly string[], value: string): number {
  return secrets.findIndex((secret) => constantTimeEqual(secret, value));
}

function likelyCause(secrets: readonly string[], value: string, header: string): string {
  const trimmedIndex = secrets.findIndex(
    (secret) => secret.trim() !== secret && constantTimeEqual(secret.trim(), value),
  );
  if (trimmedIndex >= 0) {
    return `Secret #${trimmedIndex + 1} has leading or trailing whitespace: the value matches once it is trimmed. Remove the whitespace from the configured secret.`;
  }
  const scheme = /^(Bearer|Basic|Token)\s+(.+)$/i.exec(value);
  if (scheme !== null && matchingIndex(secrets, scheme[2]) >= 0) {
    return `The value arrived as "${scheme[1]} <secret>": the secret is right, but the configured value lacks the "${scheme[1]} " prefix. Add it to the secret.`;
  }
  const subject =
    secrets.length === 1
      ? 'The value does not equal the configured secret'
      : `The value equals none of the ${secrets.length} configured secrets`;
  return `${subject}: check the value the sender is configured to send in ${header}.`;
}

/** The header carries a secret verbatim (a token), compared in constant time. */
export function verifySharedSecret(
  rule: SharedSecretRule,
  request: SignedRequest,
): VerificationResult {
  const { secrets, header } = rule;
  if (secrets.length === 0) {
    return noSecretsConfigured('shared_secret');
  }
  const value = headerValue(request.headers, header);
  if (value === undefined || value === '') {
    return missingHeader('shared_secret', header, request.headers);
  }
  const index = matchingIndex(secrets, value);
  if (index >= 0) {
    return { ok: true, scheme: 'shared_secret', secretIndex: index };
  }
  const count = secrets.length;
  return rejected({
    code: 'signature_mismatch',
    message:
      count === 1
        ? `Header ${header} does not equal the configured secret`
        : `Header ${header} equals none of the ${count} configured secrets`,
    scheme: 'shared_secret',
    header,
    received: redacted(value),
    secretsTried: count,
    likelyCause: likelyCause(secrets, value, header),
  });
}
