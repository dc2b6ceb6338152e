// The webhook every load test sends: a 1 KB GitHub `push` payload, signed as GitHub signs it.
import { createHmac, randomUUID } from 'node:crypto';

export const SECRET = 'hookyard-bench-github-secret';
export const BODY_BYTES = 1024;

/** A GitHub-shaped push payload, padded to exactly `bytes` bytes of JSON. */
function pushPayload(bytes) {
  const payload = {
    ref: 'refs/heads/main',
    before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
    after: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
    repository: { id: 186853002, full_name: 'acme/service', private: true },
    pusher: { name: 'octocat', email: 'octocat@example.com' },
    sender: { login: 'octocat', id: 583231 },
    head_commit: {
      id: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
      timestamp: '2025-11-20T10:32:05Z',
      message: '',
    },
  };
  const base = Buffer.byteLength(JSON.stringify(payload));
  payload.head_commit.message = 'Update the build pipeline. '
    .repeat(Math.ceil(bytes / 27))
    .slice(0, bytes - base);
  return Buffer.from(JSON.stringify(payload));
}

export const BODY = pushPayload(BODY_BYTES);
export const SIGNATURE = `sha256=${createHmac('sha256', SECRET).update(BODY).digest('hex')}`;

/** The provider's headers; `x-github-delivery` is set per request by `withDeliveryId`. */
export function webhookHeaders() {
  return {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/7a1c2e4',
    'x-github-event': 'push',
    'x-github-hook-id': '491729731',
    'x-github-hook-installation-target-type': 'repository',
    'x-hub-signature-256': SIGNATURE,
  };
}

/** autocannon `setupRequest`: a unique delivery id per request, as GitHub sends. */
export function withDeliveryId(request) {
  request.headers['x-github-delivery'] = randomUUID();
  return request;
}

/** One request posting the webhook to `path`, for `runPaced`: a new delivery id each time. */
export function pacedWebhook(path) {
  return () => ({
    method: 'POST',
    path,
    headers: { ...webhookHeaders(), 'x-github-delivery': randomUUID() },
    body: BODY,
  });
}

/** An autocannon request posting the webhook to `path`. */
export function webhookRequest(path, onResponse) {
  return {
    method: 'POST',
    path,
    headers: webhookHeaders(),
    body: BODY,
    setupRequest: withDeliveryId,
    ...(onResponse && { onResponse }),
  };
}

/**
 * The headers Hookyard forwards for one of these webhooks: the provider's (hop-by-hop,
 * Host and Content-Length dropped) plus its three X-Hookyard-* ids.
 */
export function forwardedHeaders() {
  return {
    ...webhookHeaders(),
    'x-github-delivery': randomUUID(),
    'X-Hookyard-Event-Id': randomUUID(),
    'X-Hookyard-Delivery-Id': randomUUID(),
    'X-Hookyard-Attempt': '1',
  };
}
