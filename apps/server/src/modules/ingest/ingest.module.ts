import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { SourcesModule } from '../sources/sources.module';
import { IngestRateLimiter } from './ingest-rate-limiter';
import { IngestService } from './ingest.service';

@Module({
  imports: [SourcesModule, EventsModule],
  providers: [IngestService, IngestRateLimiter],
  exports: [IngestService],
})
export class IngestModule {}
