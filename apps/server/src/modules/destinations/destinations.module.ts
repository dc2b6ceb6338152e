import { Module } from '@nestjs/common';
import { DestinationsController } from './destinations.controller';
import { DestinationsRepository } from './destinations.repository';
import { DestinationsService } from './destinations.service';

@Module({
  controllers: [DestinationsController],
  providers: [DestinationsRepository, DestinationsService],
  exports: [DestinationsRepository, DestinationsService],
})
export class DestinationsModule {}
