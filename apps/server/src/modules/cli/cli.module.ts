import { Module } from '@nestjs/common';
import { DestinationsModule } from '../destinations/destinations.module';
import { SourcesModule } from '../sources/sources.module';
import { CliController } from './cli.controller';
import { CliRepository } from './cli.repository';
import { CliService } from './cli.service';
import { CliStreamService } from './cli-stream.service';

/**
 * `hookyard listen`: CLI sessions, the stream of a CLI destination's deliveries, and the
 * attempts its CLI reports (recorded by the forwarding's executor, like a worker's).
 */
@Module({
  imports: [SourcesModule, DestinationsModule],
  controllers: [CliController],
  providers: [CliRepository, CliService, CliStreamService],
})
export class CliModule {}
