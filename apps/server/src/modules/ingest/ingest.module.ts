import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { EventsModule } from '../events/events.module';
import { SourcesModule } from '../sources/sources.module';
import { IngestService } from './ingest.service';

@Module({
  imports: [SourcesModule, EventsModule, ConnectionsModule],
  providers: [IngestService],
  exports: [IngestService],
})
export class IngestModule {}
