import { Controller, HttpCode, Injectable, Param, Post } from '@nestjs/common';
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { idParamsSchema, type IdParams, type SourceTestResponse } from '@hookyard/contracts';
import { testRequest } from '@hookyard/signatures';
import { NotFoundError } from '../../common/domain-errors';
import { params } from '../../common/zod-validation.pipe';
import { EventsRepository } from '../events/events.repository';
import { SourcesRepository } from '../sources/sources.repository';
import { IngestService } from './ingest.service';

/**
 * `Send test event` on a source: a sample webhook, signed as the source's provider would sign it
 * (`testRequest`), goes through the same ingest path as the provider's: rate limit, body limit,
 * verification, dedupe, routing, storage and forwarding. Only the IP allowlist is left out.
 */
@Injectable()
export class SourceTestService {
  constructor(
    private readonly sources: SourcesRepository,
    private readonly events: EventsRepository,
    private readonly ingest: IngestService,
  ) {}

  async send(sourceId: string): Promise<SourceTestResponse> {
    const source = await this.sources.findById(sourceId);
    if (!source) throw NotFoundError.of('Source', sourceId);
    const eventId = randomUUID();
    const { headers, body } = testRequest(source.verification, { id: eventId });
    const sent = { ...headers, 'Content-Length': String(body.length) };
    const incoming: IncomingHttpHeaders = Object.fromEntries(
      Object.entries(sent).map(([name, value]) => [name.toLowerCase(), value]),
    );
    const reply = await this.ingest.handle({
      slug: source.slug,
      method: 'POST',
      path: '/',
      query: '',
      queryParams: {},
      headers: incoming,
      rawHeaders: Object.entries(sent).flat(),
      ip: null,
      body: Readable.from([body]),
      test: { eventId },
    });
    return {
      // None when it was refused before it was stored (the source's rate limit).
      eventId: (await this.events.exists(eventId)) ? eventId : null,
      statusCode: reply.statusCode,
      body: Buffer.isBuffer(reply.body) ? reply.body.toString('utf8') : reply.body,
    };
  }
}

@Controller('api/v1/sources')
export class SourceTestController {
  constructor(private readonly tests: SourceTestService) {}

  @Post(':id/test')
  @HttpCode(200)
  send(@Param(params(idParamsSchema)) { id }: IdParams): Promise<SourceTestResponse> {
    return this.tests.send(id);
  }
}
