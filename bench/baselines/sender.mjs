// What both forwarding baselines send with: undici `request` on an Agent configured as
// Hookyard's sender configures its own (apps/server/src/modules/deliveries/http-sender.ts).
import { Agent, request } from 'undici';

export function senderAgent() {
  return new Agent({
    connections: 64,
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
    connect: { timeout: 10_000 },
  });
}

/** One request through `agent`; resolves with undici's response (its body still to read). */
export function send(agent, url, { method, headers, body }) {
  return request(url, {
    dispatcher: agent,
    method,
    headers,
    body,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
}
