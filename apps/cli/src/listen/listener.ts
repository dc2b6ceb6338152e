import type { CliAttemptRecorded } from '@hookyard/contracts';
import { ApiError, type ApiClient } from '../api/api-client';
import { messageOf } from '../cli-error';
import { clock, green, printLine, printStatus, red, yellow } from '../output';
import { reconnectDelay, sleep } from './backoff';
import type { DeliveryMessage } from './delivery-stream';
import { attemptReport, forward, localRequest, type ForwardResult } from './forward';
import { sessionRequest, type ListenTarget } from './listen-targets';
import { outcomeOf, requestLine, type Outcome } from './request-line';
import { SourceStream } from './source-stream';
import { TaskPool } from './task-pool';

export interface ListenOptions {
  targets: ListenTarget[];
  clientId: string;
  listener: string;
  newOnly: boolean;
  /** Per local request. */
  timeoutMs: number;
  /** Local requests in flight at once, over all sources. */
  concurrency: number;
}

/** How long Ctrl-C waits for requests in flight to finish and be reported. */
const STOP_GRACE_MS = 3_000;
/** Tries to report one attempt before giving up (the server then sends it again later). */
const REPORT_TRIES = 5;

const PAINT: Record<Outcome, (text: string) => string> = {
  ok: (text) => green(text),
  client_error: (text) => yellow(text),
  failed: (text) => red(text),
};

/**
 * `hookyard listen`: one session and one delivery stream per source; each delivery forwarded
 * to its local URL (several at once), printed as it finishes, and its attempt reported back.
 */
export class Listener {
  private readonly stopping = new AbortController();
  private readonly pool: TaskPool;
  private readonly counts: Record<Outcome, number> = { ok: 0, client_error: 0, failed: 0 };
  private streams: SourceStream[] = [];

  constructor(
    private readonly api: ApiClient,
    private readonly options: ListenOptions,
  ) {
    this.pool = new TaskPool(options.concurrency);
  }

  /**
   * Registers every source first (an unknown source or a refused token ends it before anything
   * is forwarded), then listens until stop(); rejects when listening cannot go on.
   */
  async run(): Promise<void> {
    const { targets, clientId, listener, newOnly } = this.options;
    const several = targets.length > 1;
    this.streams = targets.map((target) => {
      const stream: SourceStream = new SourceStream(
        this.api,
        target,
        sessionRequest(target, { clientId, listener, newOnly }),
        {
          onDelivery: (from, message) => this.accept(from, message),
          status: (line) => printStatus(several ? `[${stream.label}] ${line}` : line),
        },
      );
      return stream;
    });
    const sessions = await Promise.all(this.streams.map((s) => s.register()));
    sessions.forEach((session, index) => {
      const { forwardTo } = this.streams[index].target;
      const waiting = session.pending > 0 ? ` (${session.pending} waiting, oldest first)` : '';
      const skipped = session.cancelled > 0 ? ` (skipped ${session.cancelled} that waited)` : '';
      printStatus(`Ready: ${session.sourceSlug} → ${forwardTo}${waiting}${skipped}`);
    });
    printStatus('Listening; Ctrl-C to stop');
    await Promise.all(this.streams.map((s) => s.run(this.stopping.signal)));
  }

  /** Stops reading, lets requests in flight finish (briefly), and says what was done. */
  async stop(): Promise<string> {
    this.stopping.abort();
    this.pool.clear();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.pool.idle(),
      new Promise((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS))),
    ]);
    clearTimeout(timer);
    return this.summary();
  }

  summary(): string {
    const { ok, client_error, failed } = this.counts;
    const total = ok + client_error + failed;
    return `Stopped after ${total} request${total === 1 ? '' : 's'}: ${ok} answered 2xx, ${client_error} 4xx, ${failed} failed`;
  }

  private accept(stream: SourceStream, message: DeliveryMessage): void {
    if (this.stopping.signal.aborted || stream.pending.has(message.id)) return;
    stream.pending.add(message.id);
    this.pool.push(async () => {
      try {
        await this.handle(stream, message);
      } finally {
        stream.pending.delete(message.id);
      }
    });
  }

  private async handle(stream: SourceStream, { id, delivery }: DeliveryMessage): Promise<void> {
    const request = localRequest(stream.target.forwardTo, delivery);
    const result = await forward(request, this.options.timeoutMs);
    this.counts[outcomeOf(result)]++;
    printLine(
      requestLine({
        time: clock(),
        source: this.streams.length > 1 ? stream.label : undefined,
        delivery,
        result,
        paint: (text, outcome) => PAINT[outcome](text),
      }),
    );
    if (
      await this.report(delivery.deliveryId, attemptReport(delivery, request.url, result), result)
    ) {
      stream.lastEventId = id;
    }
  }

  /** Reports one attempt, retrying while the server is unreachable; false when it could not. */
  private async report(
    deliveryId: string,
    attempt: ReturnType<typeof attemptReport>,
    result: ForwardResult,
  ): Promise<boolean> {
    const path = `/api/v1/cli/deliveries/${deliveryId}/attempts`;
    for (let tries = 1; ; tries++) {
      try {
        await this.api.post<CliAttemptRecorded>(path, attempt);
        return true;
      } catch (error) {
        const final =
          tries >= REPORT_TRIES ||
          (error instanceof ApiError && error.status < 500 && error.status !== 429);
        if (final) {
          printStatus(
            `Could not report the attempt of delivery ${deliveryId} (${result.statusCode ?? 'no answer'}): ${messageOf(error)}`,
          );
          return false;
        }
        await sleep(reconnectDelay(tries - 1));
      }
    }
  }
}
