import type { CliSessionRequest, CliSessionResponse } from '@hookyard/contracts';
import { ApiError, reasonOf, type ApiClient } from '../api/api-client';
import { CliError, messageOf } from '../cli-error';
import { formatDelay, reconnectDelay, sleep } from './backoff';
import { readDeliveries, type DeliveryMessage } from './delivery-stream';
import type { ListenTarget } from './listen-targets';

/**
 * A connection that sends nothing for this long is taken for dead and replaced: the server
 * writes a `: ping` comment every 15 s, so a silent minute means a half-open connection
 * (a laptop that slept, a NAT that forgot it), which no error would ever reveal.
 */
export const IDLE_TIMEOUT_MS = 60_000;

export interface SourceStreamHooks {
  onDelivery(stream: SourceStream, message: DeliveryMessage): void;
  status(line: string): void;
}

/**
 * One source's session and its delivery stream: registered once, then read until stopped,
 * reconnecting with backoff whenever the connection drops. `Last-Event-ID` carries the last
 * attempt reported, so the server does not resend what it already has.
 */
export class SourceStream {
  /** The SSE id of the last attempt reported back. */
  lastEventId: string | undefined;
  /** Deliveries queued or being forwarded (SSE ids): one the server sends again is not doubled. */
  readonly pending = new Set<string>();
  private session: CliSessionResponse | undefined;

  constructor(
    private readonly api: ApiClient,
    readonly target: ListenTarget,
    private readonly request: CliSessionRequest,
    private readonly hooks: SourceStreamHooks,
  ) {}

  get label(): string {
    return this.session?.sourceSlug ?? this.target.source;
  }

  /** POST /api/v1/cli/sessions: finds or creates this CLI's destination for the source. */
  async register(request: CliSessionRequest = this.request): Promise<CliSessionResponse> {
    this.session = await this.api.post<CliSessionResponse>('/api/v1/cli/sessions', request);
    return this.session;
  }

  /** Reads deliveries until `signal` aborts; rejects only when listening cannot go on. */
  async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    let lost = false;
    let lastReason = '';
    while (!signal.aborted) {
      let reason: string;
      const connection = new AbortController();
      let idle: NodeJS.Timeout | undefined;
      const watch = () => {
        clearTimeout(idle);
        idle = setTimeout(
          () => connection.abort(new Error(`no data for ${IDLE_TIMEOUT_MS / 1000} s`)),
          IDLE_TIMEOUT_MS,
        );
      };
      try {
        const response = await this.api.stream(this.streamPath(), {
          lastEventId: this.lastEventId,
          signal: AbortSignal.any([signal, connection.signal]),
        });
        if (lost) this.hooks.status('Reconnected');
        lost = false;
        failures = 0;
        watch();
        await readDeliveries(response.body as ReadableStream<Uint8Array>, {
          onDelivery: (message) => this.hooks.onDelivery(this, message),
          onInvalid: (why) => this.hooks.status(why),
          onActivity: watch,
        });
        reason = 'the server ended the stream';
      } catch (error) {
        if (signal.aborted) return;
        reason = await this.recover(error, connection.signal);
      } finally {
        clearTimeout(idle);
        connection.abort();
      }
      if (signal.aborted) return;
      if (reason === REGISTERED_AGAIN && lastReason !== REGISTERED_AGAIN) {
        // Nothing is wrong with the connection: the new destination's stream opens at once
        // (once: a new one that is gone too waits like any failure).
        this.hooks.status(`The CLI destination of ${this.label} was deleted: registered a new one`);
        lost = true;
        lastReason = reason;
        continue;
      }
      const delay = reconnectDelay(failures++);
      // One line when the connection drops, another only when the reason changes: a server
      // that is down for a while does not fill the terminal.
      if (!lost) {
        this.hooks.status(`Connection lost (${reason}); reconnecting in ${formatDelay(delay)}`);
      } else if (reason !== lastReason) {
        this.hooks.status(`Still disconnected (${reason}); retrying with backoff`);
      }
      lost = true;
      lastReason = reason;
      await sleep(delay, signal);
    }
  }

  private streamPath(): string {
    if (this.session === undefined) throw new Error('register() first');
    return `/api/v1/cli/destinations/${this.session.destinationId}/deliveries`;
  }

  /**
   * Why the connection failed, when it is worth trying again. A destination that is gone
   * (deleted in the dashboard) is registered again; a refused token or source ends listening.
   */
  private async recover(error: unknown, connection: AbortSignal): Promise<string> {
    if (connection.aborted) return messageOf(connection.reason);
    if (error instanceof ApiError && error.status === 404) {
      try {
        await this.register({ ...this.request, newOnly: false });
        return REGISTERED_AGAIN;
      } catch (again) {
        return describeRetryable(again);
      }
    }
    return describeRetryable(error);
  }
}

/** `recover`'s answer when the destination was gone and a new one is registered. */
const REGISTERED_AGAIN = 'registered again';

/** What went wrong, if another try may help; a refused token or request is thrown on. */
function describeRetryable(error: unknown): string {
  if (error instanceof ApiError && error.status < 500 && ![408, 429].includes(error.status)) {
    throw error;
  }
  if (error instanceof CliError) {
    return messageOf(error).replace(/^Cannot reach Hookyard at \S+: /, '');
  }
  return reasonOf(error);
}
