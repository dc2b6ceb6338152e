import type { SourceResponse } from '@hookyard/contracts';
import type { VerificationRule } from '@hookyard/signatures';
import type { SourceEntity } from './source.entity';

/** Everything about the rule but its secrets. */
function publicVerification(rule: VerificationRule): SourceResponse['verification'] {
  switch (rule.type) {
    case 'none':
      return { type: 'none', secretCount: 0 };
    case 'shared_secret':
      return { type: rule.type, header: rule.header, secretCount: rule.secrets.length };
    case 'hmac':
      return {
        type: rule.type,
        header: rule.header,
        algorithm: rule.algorithm,
        encoding: rule.encoding,
        ...(rule.prefix !== undefined && { prefix: rule.prefix }),
        secretCount: rule.secrets.length,
      };
    case 'github':
    case 'shopify':
      return { type: rule.type, secretCount: rule.secrets.length };
    case 'stripe':
    case 'slack':
    case 'standard_webhooks':
      return {
        type: rule.type,
        ...(rule.toleranceSeconds !== undefined && { toleranceSeconds: rule.toleranceSeconds }),
        secretCount: rule.secrets.length,
      };
  }
}

export function toSourceResponse(source: SourceEntity, publicUrl: string): SourceResponse {
  return {
    id: source.id,
    name: source.name,
    slug: source.slug,
    ingestUrl: `${publicUrl}/in/${source.slug}`,
    verification: publicVerification(source.verification),
    maxBodyBytes: source.maxBodyBytes,
    dedupe: source.dedupe,
    response: source.response,
    allowedIps: source.allowedIps,
    rateLimitPerSecond: source.rateLimitPerSecond,
    handshake: {
      metaVerifyToken: source.handshake.metaVerifyToken !== undefined,
      zoomSecretToken: source.handshake.zoomSecretToken !== undefined,
    },
    passthrough: source.passthrough,
    createdAt: source.createdAt.toISOString(),
    updatedAt: source.updatedAt.toISOString(),
  };
}
