import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { EventsModule } from '../events/events.module';
import { SourcesModule } from '../sources/sources.module';
import { IngestService } from './ingest.service';
import { Passthrough } from './passthrough';
import { RoutingCache } from './routing-cache';
import { SourceTestController, SourceTestService } from './source-test';

@Module({
  imports: [SourcesModule, EventsModule, ConnectionsModule],
  controllers: [SourceTestController],
  providers: [IngestService, Passthrough, RoutingCache, SourceTestService],
  exports: [IngestService],
})
export class IngestModule {}
