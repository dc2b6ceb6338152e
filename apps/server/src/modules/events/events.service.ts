import { Injectable } from '@nestjs/common';
import type { EventResponse, EventSummary, ListEventsQuery, Page } from '@hookyard/contracts';
import { NotFoundError } from '../../common/domain-errors';
import { decodeCursor, toPage } from '../../common/keyset-cursor';
import { toEventResponse, toEventSummary } from './event.mapper';
import { EventsRepository } from './events.repository';

@Injectable()
export class EventsService {
  constructor(private readonly events: EventsRepository) {}

  async list(filter: ListEventsQuery): Promise<Page<EventSummary>> {
    const rows = await this.events.list(filter, filter.cursor ? decodeCursor(filter.cursor) : null);
    return toPage(rows, filter.limit, (r) => ({ at: r.receivedAt, id: r.id }), toEventSummary);
  }

  async get(id: string): Promise<EventResponse> {
    const event = await this.events.findWithBody(id);
    if (!event) throw NotFoundError.of('Event', id);
    return toEventResponse(event, await this.events.findDeliveries(id));
  }
}
