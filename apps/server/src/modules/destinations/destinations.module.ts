import { Module } from '@nestjs/common';
import { CliPresence } from './cli-presence';
import { DestinationsController } from './destinations.controller';
import { DestinationsRepository } from './destinations.repository';
import { DestinationsService } from './destinations.service';

@Module({
  controllers: [DestinationsController],
  providers: [DestinationsRepository, DestinationsService, CliPresence],
  exports: [DestinationsRepository, DestinationsService, CliPresence],
})
export class DestinationsModule {}
