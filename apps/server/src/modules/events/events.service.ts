import { Injectable } from '@nestjs/common';
import type { EventResponse, EventSummary, ListEventsQuery, Page } from '@hookyard/contracts';
import { NotFoundError } from '../../common/domain-errors';
import { decodeCursor, encodeCursor } from '../../common/keyset-cursor';
import { toEventResponse, toEventSummary } from './event.mapper';
import { EventsRepository } from './events.repository';

@Injectable()
export class EventsService {
  constructor(private readonly events: EventsRepository) {}

  async list(filter: ListEventsQuery): Promise<Page<EventSummary>> {
    const rows = await this.events.list(filter, filter.cursor ? decodeCursor(filter.cursor) : null);
    const page = rows.slice(0, filter.limit);
    const last = page.at(-1);
    return {
      data: page.map(toEventSummary),
      nextCursor:
        rows.length > filter.limit && last
          ? encodeCursor({ at: last.receivedAt, id: last.id })
          : null,
    };
  }

  async get(id: string): Promise<EventResponse> {
    const event = await this.events.findWithBody(id);
    if (!event) throw NotFoundError.of('Event', id);
    return toEventResponse(event, await this.events.findDeliveries(id));
  }
}
