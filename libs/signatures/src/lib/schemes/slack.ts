import { likelyMismatchCause } from '../diagnose';
import { headerValue } from '../headers';
import {
  malformedHeader,
  missingHeader,
  noSecretsConfigured,
  signatureMismatch,
  timestampOutOfTolerance,
} from '../rejections';
import {
  expectedPrefixes,
  findMatchingSecret,
  prefixedBody,
  signWithUtf8Key,
  utf8Key,
  type SignatureFormat,
} from '../signing';
import { parseUnixSeconds, resolveTolerance, skewSeconds, withinTolerance } from '../timestamps';
import type { SignedRequest, VerificationResult } from '../types';

export const SLACK_SIGNATURE_HEADER = 'X-Slack-Signature';
export const SLACK_TIMESTAMP_HEADER = 'X-Slack-Request-Timestamp';

/** Basestring `v0:${timestamp}:${body}`, `v0=` + hex HMAC-SHA256 keyed by the signing secret. */
export function slackFormat(timestamp: string): SignatureFormat {
  return {
    algorithm: 'sha256',
    encoding: 'hex',
    content: (body) => prefixedBody(`v0:${timestamp}:`, body),
    key: utf8Key,
  };
}

const PREFIX = 'v0=';

/** The `X-Slack-Signature` value Slack would send for a body at a time: `v0=<hex>`. */
export function signSlack(params: { secret: string; timestamp: number; body: Uint8Array }): string {
  return `${PREFIX}${signWithUtf8Key(slackFormat(String(params.timestamp)), params.secret, params.body)}`;
}

export function verifySlack(
  rule: { secrets: string[]; toleranceSeconds?: number },
  request: SignedRequest,
): VerificationResult {
  const { secrets } = rule;
  const { headers, body } = request;
  if (secrets.length === 0) {
    return noSecretsConfigured('slack');
  }
  const signature = headerValue(headers, SLACK_SIGNATURE_HEADER)?.trim();
  if (!signature) {
    return missingHeader('slack', SLACK_SIGNATURE_HEADER, headers);
  }
  const timestampValue = headerValue(headers, SLACK_TIMESTAMP_HEADER)?.trim();
  if (!timestampValue) {
    return missingHeader('slack', SLACK_TIMESTAMP_HEADER, headers);
  }
  if (!signature.startsWith(PREFIX)) {
    return malformedHeader(
      'slack',
      SLACK_SIGNATURE_HEADER,
      signature,
      `${PREFIX}<64 hex characters>`,
    );
  }
  const timestamp = parseUnixSeconds(timestampValue);
  if (timestamp === undefined) {
    return malformedHeader(
      'slack',
      SLACK_TIMESTAMP_HEADER,
      timestampValue,
      'Unix seconds (digits only)',
    );
  }

  const format = slackFormat(timestampValue);
  const received = [signature.slice(PREFIX.length)];
  const tolerance = resolveTolerance(rule.toleranceSeconds);
  const skew = skewSeconds(timestamp, request.now);
  const index = findMatchingSecret(format, secrets, body, received);
  if (index < 0) {
    return signatureMismatch(
      'slack',
      SLACK_SIGNATURE_HEADER,
      signature,
      expectedPrefixes(format, secrets, body),
      likelyMismatchCause({
        type: 'slack',
        format,
        secrets,
        body,
        received,
        flagWhsecSecrets: true,
      }),
      { skewSeconds: skew, toleranceSeconds: tolerance },
    );
  }
  if (!withinTolerance(skew, tolerance)) {
    return timestampOutOfTolerance(
      'slack',
      SLACK_TIMESTAMP_HEADER,
      timestampValue,
      timestamp,
      skew,
      tolerance,
    );
  }
  return { ok: true, scheme: 'slack', secretIndex: index };
}
