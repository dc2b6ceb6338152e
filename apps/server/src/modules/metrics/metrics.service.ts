import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type IngestOutcome =
  | 'accepted'
  | 'duplicate'
  | 'rejected'
  | 'forbidden'
  | 'handshake'
  | 'too_large'
  | 'rate_limited'
  | 'not_found'
  | 'error';

/** One registry per application instance, so tests can start several apps in one process. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  private readonly ingestRequests = new Counter({
    name: 'hookyard_ingest_requests_total',
    help: 'Requests received on /in/{slug}, by source and outcome',
    labelNames: ['source', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly ingestDuration = new Histogram({
    name: 'hookyard_ingest_duration_seconds',
    help: 'Time from the request to the answer on /in/{slug}, by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  private readonly attempts = new Counter({
    name: 'hookyard_delivery_attempts_total',
    help: 'Delivery attempts, by destination and the outcome of the delivery after it (succeeded, failed, dead)',
    labelNames: ['destination', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly attemptDuration = new Histogram({
    name: 'hookyard_delivery_attempt_duration_seconds',
    help: 'Time of one delivery attempt, from connect to the end of the response',
    labelNames: ['outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'hookyard_' });
  }

  /** `source` is the slug of a known source, or "unknown" (not the requested slug: that would be unbounded). */
  recordIngest(source: string, outcome: IngestOutcome, seconds: number): void {
    this.ingestRequests.inc({ source, outcome });
    this.ingestDuration.observe({ outcome }, seconds);
  }

  recordAttempt(
    destination: string,
    outcome: 'succeeded' | 'failed' | 'dead',
    seconds: number,
  ): void {
    this.attempts.inc({ destination, outcome });
    this.attemptDuration.observe({ outcome }, seconds);
  }

  /** A gauge read when Prometheus scrapes (queue depth, dead deliveries). */
  gauge(name: string, help: string, read: () => Promise<number> | number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        this.set(await read());
      },
    });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
