import {
  replaySchema,
  uuidSchema,
  type EventResponse,
  type ReplayAccepted,
  type ReplayRequest,
} from '@hookyard/contracts';
import { resignHeaders, type ResignScheme } from '@hookyard/signatures';
import type { ApiClient } from '../api/api-client';
import { CliError, messageOf } from '../cli-error';
import { printJson, printLine } from '../output';

/** The providers `--resign` takes, as typed on the command line. */
export const RESIGN_PROVIDERS = [
  'github',
  'stripe',
  'shopify',
  'slack',
  'standard-webhooks',
] as const;
export type ResignProvider = (typeof RESIGN_PROVIDERS)[number];

export interface ReplayOptions {
  to?: string;
  destination?: string;
  resign?: ResignProvider;
  secret?: string;
  json?: boolean;
}

const SCHEMES: Record<ResignProvider, ResignScheme> = {
  github: 'github',
  stripe: 'stripe',
  shopify: 'shopify',
  slack: 'slack',
  'standard-webhooks': 'standard_webhooks',
};

/** The stored body's exact bytes, from the event's JSON form. */
export function eventBody(event: Pick<EventResponse, 'body' | 'bodyEncoding'>): Buffer {
  return Buffer.from(event.body, event.bodyEncoding === 'base64' ? 'base64' : 'utf8');
}

/** Checks the flags and builds the replay request, before any call to the server. */
export function replayRequest(eventId: string, options: ReplayOptions): ReplayRequest {
  if (!uuidSchema.safeParse(eventId).success) {
    throw new CliError(`"${eventId}" is not an event id (a UUID): \`hookyard events\` lists them`);
  }
  if ((options.to === undefined) === (options.destination === undefined)) {
    throw new CliError('Say where to replay: --to <url> or --destination <id> (one of them)');
  }
  if ((options.resign === undefined) !== (options.secret === undefined)) {
    throw new CliError('--resign <provider> and --secret <secret> go together');
  }
  const request: ReplayRequest =
    options.to !== undefined ? { url: options.to } : { destinationId: options.destination };
  const checked = replaySchema.safeParse(request);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const flag = issue.path[0] === 'url' ? '--to' : '--destination';
    throw new CliError(`${flag}: ${issue.message}`);
  }
  return request;
}

/**
 * `hookyard replay <eventId>`: sends the stored event again, to a URL or a destination.
 * `--resign` signs the stored body afresh, as the provider would today, and sends the stored
 * headers with that signature instead of the old one (which a verifier's tolerance refuses).
 */
export async function replay(
  api: ApiClient,
  eventId: string,
  options: ReplayOptions,
): Promise<void> {
  const request = replayRequest(eventId, options);
  if (options.resign !== undefined && options.secret !== undefined) {
    const event = await api.get<EventResponse>(`/api/v1/events/${eventId}`);
    try {
      request.headers = resignHeaders(SCHEMES[options.resign], {
        headers: event.headers,
        body: eventBody(event),
        secret: options.secret,
      });
    } catch (error) {
      throw new CliError(`Cannot sign for ${options.resign}: ${messageOf(error)}`);
    }
  }
  const accepted = await api.post<ReplayAccepted>(`/api/v1/events/${eventId}/replay`, request);
  if (options.json) return printJson(accepted);
  const where = options.to ?? `destination ${options.destination}`;
  const signed = options.resign ? `, signed again for ${options.resign}` : '';
  printLine(`Replaying event ${eventId} to ${where}${signed}: delivery ${accepted.deliveryId}`);
}
