import { Buffer } from 'node:buffer';
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './constant-time';
import type { IncomingHeaders } from './types';

export interface HandshakeRequest {
  method: string;
  query: Record<string, string | string[] | undefined>;
  headers: IncomingHeaders;
  body: Uint8Array;
  /** Defaults to the current time; tests pass a fixed clock. */
  now?: Date;
}

export interface HandshakeSettings {
  metaVerifyToken?: string;
  zoomSecretToken?: string;
}

export type HandshakeKind =
  | 'slack_url_verification'
  | 'meta_hub_challenge'
  | 'zoom_url_validation'
  | 'microsoft_graph_validation';

export interface HandshakeResponse {
  kind: HandshakeKind;
  statusCode: number;
  contentType: string;
  body: string;
}

/** Handshake bodies are tiny; anything larger is an ordinary event and is not parsed. */
export const MAX_HANDSHAKE_BODY_BYTES = 64 * 1024;

const TEXT = 'text/plain';
const JSON_TYPE = 'application/json';

function queryValue(query: HandshakeRequest['query'], name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value[0] : value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Both JSON handshakes name themselves in the body: Slack's `url_verification`, Zoom's
 * `endpoint.url_validation`. A body without `url_v` is no handshake, and is not parsed.
 */
const HANDSHAKE_MARKER = Buffer.from('url_v');

/** The body as a JSON object, only when it is small, starts with `{` and may be a handshake; never throws. */
function smallJsonObject(body: Uint8Array): Record<string, unknown> | undefined {
  if (body.byteLength === 0 || body.byteLength >= MAX_HANDSHAKE_BODY_BYTES) {
    return undefined;
  }
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (!bytes.includes(HANDSHAKE_MARKER)) return undefined;
  const text = bytes.toString('utf8');
  if (!text.trimStart().startsWith('{')) {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Meta: `GET ?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…`. */
function metaChallenge(
  req: HandshakeRequest,
  settings: HandshakeSettings,
): HandshakeResponse | null {
  const challenge = queryValue(req.query, 'hub.challenge');
  if (
    req.method.toUpperCase() !== 'GET' ||
    queryValue(req.query, 'hub.mode') !== 'subscribe' ||
    challenge === undefined
  ) {
    return null;
  }
  const expected = settings.metaVerifyToken;
  if (expected === undefined || expected === '') {
    return {
      kind: 'meta_hub_challenge',
      statusCode: 403,
      contentType: TEXT,
      body: 'Meta verification refused: no verify token is configured for this source. Set it to the Verify Token entered in the Meta app dashboard.',
    };
  }
  const token = queryValue(req.query, 'hub.verify_token') ?? '';
  if (!constantTimeEqual(token, expected)) {
    return {
      kind: 'meta_hub_challenge',
      statusCode: 403,
      contentType: TEXT,
      body: "Meta verification refused: hub.verify_token does not match this source's verify token.",
    };
  }
  return { kind: 'meta_hub_challenge', statusCode: 200, contentType: TEXT, body: challenge };
}

/** Microsoft Graph: `?validationToken=…` (already URL-decoded), echoed as text/plain. */
function graphValidation(req: HandshakeRequest): HandshakeResponse | null {
  const token = queryValue(req.query, 'validationToken');
  return token === undefined || token === ''
    ? null
    : { kind: 'microsoft_graph_validation', statusCode: 200, contentType: TEXT, body: token };
}

/** Slack: `{"type":"url_verification","challenge":"…"}`. */
function slackVerification(json: Record<string, unknown>): HandshakeResponse | null {
  return json['type'] === 'url_verification' && typeof json['challenge'] === 'string'
    ? {
        kind: 'slack_url_verification',
        statusCode: 200,
        contentType: TEXT,
        body: json['challenge'],
      }
    : null;
}

const ZOOM_TOLERANCE_SECONDS = 300;

function headerValue(headers: IncomingHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Zoom signs its validation request like its events: `x-zm-signature: v0=<hex
 * HMAC-SHA256(secret token, "v0:" + x-zm-request-timestamp + ":" + body)>`. The
 * answer is an HMAC of a caller-chosen string under the same secret, so answering
 * an unsigned request would let anyone mint Zoom signatures: it must be signed.
 */
function zoomSignatureProblem(req: HandshakeRequest, secretToken: string): string | null {
  const signature = headerValue(req.headers, 'x-zm-signature');
  const timestamp = headerValue(req.headers, 'x-zm-request-timestamp');
  if (signature === undefined || timestamp === undefined) {
    return 'Zoom validation refused: the x-zm-signature and x-zm-request-timestamp headers are required.';
  }
  const seconds = Number(timestamp);
  const now = (req.now ?? new Date()).getTime() / 1000;
  if (!/^\d+$/.test(timestamp) || Math.abs(now - seconds) > ZOOM_TOLERANCE_SECONDS) {
    return `Zoom validation refused: x-zm-request-timestamp is more than ${ZOOM_TOLERANCE_SECONDS} s away from now.`;
  }
  const expected =
    'v0=' +
    createHmac('sha256', secretToken)
      .update(Buffer.concat([Buffer.from(`v0:${timestamp}:`), Buffer.from(req.body)]))
      .digest('hex');
  return constantTimeEqual(signature.toLowerCase(), expected)
    ? null
    : "Zoom validation refused: x-zm-signature does not match this source's Zoom secret token.";
}

/** Zoom: `{"event":"endpoint.url_validation","payload":{"plainToken":"…"}}`, answered only with a secret token. */
function zoomValidation(
  req: HandshakeRequest,
  json: Record<string, unknown>,
  settings: HandshakeSettings,
): HandshakeResponse | null {
  const payload = json['payload'];
  const secretToken = settings.zoomSecretToken;
  if (
    json['event'] !== 'endpoint.url_validation' ||
    !isRecord(payload) ||
    typeof payload['plainToken'] !== 'string' ||
    secretToken === undefined ||
    secretToken === ''
  ) {
    return null;
  }
  const problem = zoomSignatureProblem(req, secretToken);
  if (problem !== null) {
    return { kind: 'zoom_url_validation', statusCode: 401, contentType: TEXT, body: problem };
  }
  const plainToken = payload['plainToken'];
  const encryptedToken = createHmac('sha256', secretToken).update(plainToken).digest('hex');
  return {
    kind: 'zoom_url_validation',
    statusCode: 200,
    contentType: JSON_TYPE,
    body: JSON.stringify({ plainToken, encryptedToken }),
  };
}

/**
 * Recognises a provider's endpoint handshake and returns the answer to send, or
 * null for an ordinary event. Pure and cheap: the body is only parsed when it is
 * small and starts with `{`, and nothing here throws.
 */
export function detectHandshake(
  req: HandshakeRequest,
  settings: HandshakeSettings,
): HandshakeResponse | null {
  const byQuery = metaChallenge(req, settings) ?? graphValidation(req);
  if (byQuery !== null) {
    return byQuery;
  }
  const json = smallJsonObject(req.body);
  return json === undefined
    ? null
    : (slackVerification(json) ?? zoomValidation(req, json, settings));
}
