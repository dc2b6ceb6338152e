import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { EventsModule } from '../events/events.module';
import { SourcesModule } from '../sources/sources.module';
import { IngestService } from './ingest.service';
import { Passthrough } from './passthrough';
import { RoutingCache } from './routing-cache';

@Module({
  imports: [SourcesModule, EventsModule, ConnectionsModule],
  providers: [IngestService, Passthrough, RoutingCache],
  exports: [IngestService],
})
export class IngestModule {}
